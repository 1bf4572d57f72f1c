using ChiSo.Features.Plans;

namespace ChiSo.Tests.Tasks;

public sealed class TaskRollUpTests
{
    static TaskStanding Standing(ProgressStatus status, int percent, bool overdue = false, DateOnly? doneOn = null, bool late = false) =>
        new(status, percent, DeadlineKind.Date, new DateOnly(2024, 6, 30), [], overdue, overdue ? 5 : 0, false, doneOn,
            doneOn is not null && !late, doneOn is not null && late, false, false, doneOn);

    static readonly TaskStanding Heading = Standing(ProgressStatus.NotStarted, 0, overdue: true);

    [Fact]
    public void A_heading_task_is_done_when_every_sub_task_is()
    {
        var s = TaskBoard.RollUp(Heading, [Standing(ProgressStatus.Done, 100, doneOn: new(2024, 6, 1)), Standing(ProgressStatus.Done, 100, doneOn: new(2024, 6, 20), late: true)]);
        Assert.Equal((ProgressStatus.Done, 100, false, true, new DateOnly(2024, 6, 20)), (s.Status, s.Percent, s.Overdue, s.DoneLate, s.DoneOn!.Value));
    }

    [Fact]
    public void A_heading_task_is_overdue_when_a_sub_task_is_and_in_progress_when_any_moved()
    {
        var s = TaskBoard.RollUp(Heading, [Standing(ProgressStatus.Done, 100, doneOn: new(2024, 6, 1)), Standing(ProgressStatus.NotStarted, 0, overdue: true)]);
        Assert.Equal((ProgressStatus.InProgress, 50, true), (s.Status, s.Percent, s.Overdue));
    }

    [Fact]
    public void Without_sub_tasks_the_heading_keeps_its_own_standing() =>
        Assert.Same(Heading, TaskBoard.RollUp(Heading, []));
}
