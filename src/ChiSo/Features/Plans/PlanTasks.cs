namespace ChiSo.Features.Plans;

/// <summary>Rules about a task's deadline that every writer of tasks shares.</summary>
public static class PlanTasks
{
    /// <summary>Stores what the parser understood of the deadline, keeping the text as written.</summary>
    public static void ApplyDeadline(PlanTask task, Deadline deadline)
    {
        task.DeadlineText = deadline.Text;
        task.DeadlineKind = deadline.Kind;
        task.Start = deadline.Start;
        task.Due = deadline.Due;
        task.Recurrence = deadline.Recurrence;
        task.Tentative = deadline.Tentative;
        task.Event = deadline.Event;
    }
}
