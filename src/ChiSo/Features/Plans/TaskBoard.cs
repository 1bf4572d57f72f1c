namespace ChiSo.Features.Plans;

/// <summary>Where a task (or one agency's share of it) stands on a day.</summary>
/// <param name="Due">The due date that matters on the day: the deadline, the next occurrence of a recurring task,
/// the derived date of an event-triggered one once the event happened; null when there is none.</param>
/// <param name="Missed">Past occurrences of a recurring task within its plan's window that were not done.</param>
/// <param name="DaysLate">Days past the due date (of the earliest missed occurrence), or by which it was done late.</param>
/// <param name="NeedsDeadline">The deadline text could not be understood ("cần xác định hạn").</param>
/// <param name="AwaitingEvent">An event-triggered deadline whose event has not been dated yet.</param>
public sealed record TaskStanding(
    ProgressStatus Status,
    int Percent,
    DeadlineKind Kind,
    DateOnly? Due,
    IReadOnlyList<DateOnly> Missed,
    bool Overdue,
    int DaysLate,
    bool AtRisk,
    DateOnly? DoneOn,
    bool DoneOnTime,
    bool DoneLate,
    bool NeedsDeadline,
    bool AwaitingEvent,
    DateOnly? LastUpdate);

/// <summary>The rules that turn a task's deadline and progress updates into a standing on an as-of day. Pure:
/// the caller loads the task with its agencies and progress and passes the day, so a fake clock or any date
/// replays the past. <see cref="Deadline.Parse"/> is the one reading of the deadline text.</summary>
public static class TaskBoard
{
    /// <summary>"At risk" looks this many days ahead of the as-of day.</summary>
    public const int AtRiskWindowDays = 14;
    /// <summary>An agency that has said nothing for this long is not on track.</summary>
    public const int StaleAfterDays = 30;
    public const int AtRiskBelowPercent = 50;

    /// <summary>Today in Hà Nội (UTC+7, no daylight saving): the day deadlines are counted in.</summary>
    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime.AddHours(7));

    /// <summary>The deadline as the rules use it: the parsed text, recurring within the plan's window (from its issue to
    /// the end of its period), dated once its event is.</summary>
    public static Deadline DeadlineOf(PlanTask task, PlanWindow window)
    {
        var d = Deadline.Parse(task.DeadlineText, window.Year).Within(window.From, window.To);
        return d.Kind == DeadlineKind.Event && task.EventDate is { } e ? d.WithEventDate(e) : d;
    }

    /// <summary>The occurrence an update answers: the one it names, or else the first due on or after its date
    /// (what the unit was working toward when it filed).</summary>
    public static DateOnly? OccurrenceOf(Deadline d, ProgressUpdate u) =>
        u.Occurrence ?? NextOccurrence(d, u.Date);

    public static DateOnly? NextOccurrence(Deadline d, DateOnly from) =>
        d.Occurrences(from, from.AddYears(1).AddDays(1)).Select(x => (DateOnly?)x).FirstOrDefault();

    /// <summary>A heading task with no lead of its own (task 5 of 164/KH-UBND 2022 and its sub-items) stands as
    /// its sub-tasks do: done when all are, overdue when any is.</summary>
    public static TaskStanding RollUp(TaskStanding own, IReadOnlyList<TaskStanding> parts)
    {
        if (parts.Count == 0) return own;
        var done = parts.All(p => p.Status == ProgressStatus.Done);
        var status = done ? ProgressStatus.Done
            : parts.Any(p => p.Status == ProgressStatus.Blocked) ? ProgressStatus.Blocked
            : parts.Any(p => p.Status != ProgressStatus.NotStarted) ? ProgressStatus.InProgress
            : ProgressStatus.NotStarted;
        var overdue = parts.Any(p => p.Overdue);
        return own with
        {
            Status = status,
            Percent = (int)Math.Round(parts.Average(p => p.Percent)),
            Missed = parts.SelectMany(p => p.Missed).Distinct().Order().ToList(),
            Overdue = overdue,
            DaysLate = parts.Max(p => p.DaysLate),
            AtRisk = !overdue && !done && parts.Any(p => p.AtRisk),
            DoneOn = done ? parts.Max(p => p.DoneOn) : null,
            DoneOnTime = done && parts.All(p => p.DoneOnTime),
            DoneLate = done && parts.Any(p => p.DoneLate),
            LastUpdate = parts.Max(p => p.LastUpdate),
        };
    }

    /// <summary>The whole task: its leads decide. With several named lead units every one of them must be done
    /// (the least advanced decides); a task led only by a group ("UBND cấp huyện") or an unresolved name has
    /// no single lead, so the lead units that did report decide. Each unit's own share is
    /// <see cref="EvaluateFor"/>.</summary>
    public static TaskStanding Evaluate(PlanTask task, PlanWindow window, DateOnly asOf)
    {
        var named = task.Agencies.Where(a => a.Role == AgencyRole.Lead && a.UnitId is not null).Select(a => a.UnitId!.Value).ToHashSet();
        var updates = task.Progress.Where(u => u.Role == AgencyRole.Lead).ToList();
        var expected = named.Count > 0 ? named : updates.Select(u => u.UnitId).ToHashSet();
        return Evaluate(task, window, asOf, updates.Where(u => expected.Contains(u.UnitId)).ToList(), expected);
    }

    /// <summary>One unit's share of a task, from its own updates only.</summary>
    public static TaskStanding EvaluateFor(PlanTask task, PlanWindow window, DateOnly asOf, int unitId) =>
        Evaluate(task, window, asOf, task.Progress.Where(u => u.UnitId == unitId).ToList(), new HashSet<int> { unitId });

    /// <summary>A holder's share: its updates and those of the ended units it holds for, read as its own.</summary>
    public static TaskStanding EvaluateFor(PlanTask task, PlanWindow window, DateOnly asOf, int unitId, IReadOnlySet<int> heldFor) =>
        heldFor.Count == 0 ? EvaluateFor(task, window, asOf, unitId)
            : Evaluate(task, window, asOf, task.Progress.Where(u => u.UnitId == unitId || heldFor.Contains(u.UnitId)).ToList(),
                new HashSet<int> { unitId }, id => heldFor.Contains(id) ? unitId : id);

    /// <summary>A share no unit can report on (an agency name not in the registry): nothing was filed.</summary>
    public static TaskStanding EvaluateUnreported(PlanTask task, PlanWindow window, DateOnly asOf) =>
        Evaluate(task, window, asOf, [], new HashSet<int>());

    static TaskStanding Evaluate(PlanTask task, PlanWindow window, DateOnly asOf, List<ProgressUpdate> updates, HashSet<int> units,
        Func<int, int>? holderOf = null)
    {
        var d = DeadlineOf(task, window);
        // Updates dated after the as-of day had not been filed yet on that day.
        var known = updates.Where(u => u.Date <= asOf).ToList();
        var lastUpdate = known.Count == 0 ? (DateOnly?)null : known.Max(u => u.Date);

        if (d.Kind == DeadlineKind.Recurring)
        {
            var all = d.Occurrences(window.From, window.To).ToList();
            var byOccurrence = known.ToLookup(u => OccurrenceOf(d, u));
            var missed = all.Where(o => o < asOf && Combine(byOccurrence[o], units, holderOf).Status != ProgressStatus.Done).ToList();
            var next = NextOccurrence(d, asOf);
            // Once the plan's period is over nothing more falls due: the task stands as its last occurrence left it.
            var shown = next ?? (all.Count > 0 ? all[^1] : null);
            var current = Combine(shown is { } n ? byOccurrence[n] : [], units, holderOf);
            var lastForShown = shown is { } nn ? byOccurrence[nn].Select(u => (DateOnly?)u.Date).Max() : null;
            return Standing(d, next, current, missed, asOf, lastForShown ?? lastUpdate);
        }

        var due = d.Kind is DeadlineKind.Date or DeadlineKind.Range ? d.Due : null;
        return Standing(d, due, Combine(known, units, holderOf), [], asOf, lastUpdate);
    }

    static TaskStanding Standing(Deadline d, DateOnly? due, Combined c, List<DateOnly> missed, DateOnly asOf, DateOnly? lastUpdate)
    {
        var done = c.Status == ProgressStatus.Done;
        var overdue = d.Kind == DeadlineKind.Recurring ? missed.Count > 0 : !done && due is { } dd && dd < asOf;
        var daysLate = missed.Count > 0 ? asOf.DayNumber - missed[0].DayNumber
            : overdue ? asOf.DayNumber - due!.Value.DayNumber
            : done && due is { } dl && c.DoneOn > dl ? c.DoneOn.Value.DayNumber - dl.DayNumber : 0;
        var atRisk = !done && due is { } soon && soon >= asOf && soon.DayNumber - asOf.DayNumber <= AtRiskWindowDays
            && (c.Percent < AtRiskBelowPercent || lastUpdate is null || asOf.DayNumber - lastUpdate.Value.DayNumber > StaleAfterDays);
        return new TaskStanding(c.Status, c.Percent, d.Kind, due, missed, overdue, daysLate, atRisk, c.DoneOn,
            // Done without a deadline (continuous work) missed nothing.
            DoneOnTime: done && (due is null || c.DoneOn <= due),
            DoneLate: done && due is { } late && c.DoneOn > late,
            NeedsDeadline: d.Kind == DeadlineKind.Unparsed,
            AwaitingEvent: d.Kind == DeadlineKind.Event,
            lastUpdate);
    }

    readonly record struct Combined(ProgressStatus Status, int Percent, DateOnly? DoneOn);

    /// <summary>The latest word of each expected unit, combined: done when all are done (on the day the last
    /// finished), blocked when any is blocked, in progress once any has started.</summary>
    static Combined Combine(IEnumerable<ProgressUpdate> updates, HashSet<int> units, Func<int, int>? holderOf = null)
    {
        var byUnit = updates.GroupBy(u => holderOf is null ? u.UnitId : holderOf(u.UnitId)).ToDictionary(g => g.Key,
            g => g.OrderBy(u => u.Date).ThenBy(u => u.FiledAt).ThenBy(u => u.Id).ToList());
        if (byUnit.Count == 0) return new(ProgressStatus.NotStarted, 0, null);
        var latest = units.Select(id => byUnit.GetValueOrDefault(id)).ToList();
        if (latest.All(l => l is not null && l[^1].Status == ProgressStatus.Done))
            return new(ProgressStatus.Done, 100, latest.Max(l => DoneSince(l!)));
        var percent = (int)Math.Round(latest.Average(l => l is null ? 0 : l[^1].Percent));
        if (latest.Any(l => l is not null && l[^1].Status == ProgressStatus.Blocked)) return new(ProgressStatus.Blocked, percent, null);
        return latest.Any(l => l is not null && (l[^1].Status != ProgressStatus.NotStarted || l[^1].Percent > 0))
            ? new(ProgressStatus.InProgress, percent, null)
            : new(ProgressStatus.NotStarted, percent, null);
    }

    /// <summary>The day a unit finished: its first "done" after its last word that was not "done" (a later
    /// "done" that adds evidence does not move the date).</summary>
    static DateOnly DoneSince(List<ProgressUpdate> ordered)
    {
        var i = ordered.Count - 1;
        while (i > 0 && ordered[i - 1].Status == ProgressStatus.Done) i--;
        return ordered[i].Date;
    }
}
