using ChiSo.Features.Plans;
using ChiSo.Features.Units;
using Microsoft.Extensions.Time.Testing;

namespace ChiSo.Tests.Tasks;

/// <summary>The standing rules on hand-made tasks, with a fake clock: no database.</summary>
public sealed class TaskRulesTests
{
    static readonly Unit Snv = new() { Id = 1, Code = "SNV", Name = "Sở Nội vụ", Kind = UnitKind.Department };
    static readonly Unit Stp = new() { Id = 2, Code = "STP", Name = "Sở Tư pháp", Kind = UnitKind.Department };
    static readonly Unit District = new() { Id = 3, Code = "BD", Name = "UBND quận Ba Đình", Kind = UnitKind.District };
    static readonly UnitGroup Districts = new() { Id = 1, Name = "UBND các quận, huyện, thị xã", Kinds = [UnitKind.District] };
    int nextId = 1;

    PlanTask Task(string? deadline, int year = 2024, Unit[]? leads = null, Unit[]? cooperating = null)
    {
        var plan = new Plan { Id = 1, Number = "1/KH-TEST", Title = "Thử", Year = year };
        var task = new PlanTask { Id = nextId++, PlanId = 1, Plan = plan, Number = "1", Description = "Nhiệm vụ thử", DeadlineText = deadline };
        foreach (var u in leads ?? [Snv]) task.Agencies.Add(new TaskAgency { Role = AgencyRole.Lead, Name = u.Name, UnitId = u.Id });
        foreach (var u in cooperating ?? []) task.Agencies.Add(new TaskAgency { Role = AgencyRole.Cooperating, Name = u.Name, UnitId = u.Id });
        return task;
    }

    static void File(PlanTask t, Unit u, ProgressStatus status, int percent, DateOnly date, DateOnly? occurrence = null,
        AgencyRole role = AgencyRole.Lead) =>
        t.Progress.Add(new ProgressUpdate
        {
            Id = t.Progress.Count + 1, TaskId = t.Id, UnitId = u.Id, Role = role, Status = status, Percent = percent, Date = date,
            Occurrence = occurrence, FiledAt = date.ToDateTime(TimeOnly.MinValue), FiledBy = "test",
        });

    static DateOnly D(int y, int m, int d) => new(y, m, d);

    static FakeTimeProvider ClockAt(DateOnly day) =>
        // 09:00 in Hà Nội is 02:00 UTC.
        new(new DateTimeOffset(day.ToDateTime(new TimeOnly(2, 0)), TimeSpan.Zero));

    [Fact]
    public void Overdue_turns_on_the_day_after_the_due_date_as_the_clock_moves()
    {
        var t = Task("Tháng 6/2024");
        var clock = ClockAt(D(2024, 6, 30));

        var onDue = TaskBoard.Evaluate(t, PlanWindow.OfYear(2024), TaskBoard.Today(clock));
        clock.Advance(TimeSpan.FromDays(1));
        var after = TaskBoard.Evaluate(t, PlanWindow.OfYear(2024), TaskBoard.Today(clock));
        clock.Advance(TimeSpan.FromDays(9));
        var later = TaskBoard.Evaluate(t, PlanWindow.OfYear(2024), TaskBoard.Today(clock));

        Assert.Equal(D(2024, 6, 30), onDue.Due);
        Assert.False(onDue.Overdue);
        Assert.True(after.Overdue);
        Assert.Equal(1, after.DaysLate);
        Assert.Equal(10, later.DaysLate);
        Assert.Equal(ProgressStatus.NotStarted, later.Status);
    }

    [Fact]
    public void Today_is_counted_in_Hanoi_time()
    {
        // 18:00 UTC on 30/6 is already 1/7 in Hà Nội.
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 6, 30, 18, 0, 0, TimeSpan.Zero));
        Assert.Equal(D(2024, 7, 1), TaskBoard.Today(clock));
    }

    [Fact]
    public void Updates_filed_after_the_as_of_day_do_not_count_yet()
    {
        var t = Task("Tháng 6/2024");
        File(t, Snv, ProgressStatus.Done, 100, D(2024, 6, 20));

        Assert.Equal(ProgressStatus.NotStarted, TaskBoard.Evaluate(t, PlanWindow.OfYear(2024), D(2024, 6, 19)).Status);
        var done = TaskBoard.Evaluate(t, PlanWindow.OfYear(2024), D(2024, 7, 15));
        Assert.Equal(ProgressStatus.Done, done.Status);
        Assert.True(done.DoneOnTime);
        Assert.False(done.Overdue);
    }

    [Fact]
    public void Done_after_the_due_date_is_done_late_with_the_days_late_and_the_first_done_date_counts()
    {
        var t = Task("Quý II/2024");
        File(t, Snv, ProgressStatus.InProgress, 60, D(2024, 6, 1));
        File(t, Snv, ProgressStatus.Done, 100, D(2024, 7, 5));
        File(t, Snv, ProgressStatus.Done, 100, D(2024, 7, 20)); // more evidence, same completion

        var s = TaskBoard.Evaluate(t, PlanWindow.OfYear(2024), D(2024, 8, 1));

        Assert.True(s.DoneLate);
        Assert.False(s.DoneOnTime);
        Assert.False(s.Overdue);
        Assert.Equal(D(2024, 7, 5), s.DoneOn);
        Assert.Equal(5, s.DaysLate);
    }

    [Fact]
    public void At_risk_when_due_within_14_days_and_behind_or_silent()
    {
        var t = Task("Tháng 6/2024");
        // 16 days before: not yet in the window.
        Assert.False(TaskBoard.Evaluate(t, PlanWindow.OfYear(2024), D(2024, 6, 14)).AtRisk);
        // 14 days before, nothing filed: at risk.
        Assert.True(TaskBoard.Evaluate(t, PlanWindow.OfYear(2024), D(2024, 6, 16)).AtRisk);

        File(t, Snv, ProgressStatus.InProgress, 40, D(2024, 6, 17));
        Assert.True(TaskBoard.Evaluate(t, PlanWindow.OfYear(2024), D(2024, 6, 20)).AtRisk); // below 50 %

        File(t, Snv, ProgressStatus.InProgress, 80, D(2024, 6, 18));
        Assert.False(TaskBoard.Evaluate(t, PlanWindow.OfYear(2024), D(2024, 6, 20)).AtRisk); // far along and recent

        var stale = Task("Tháng 6/2024");
        File(stale, Snv, ProgressStatus.InProgress, 80, D(2024, 5, 10));
        Assert.True(TaskBoard.Evaluate(stale, PlanWindow.OfYear(2024), D(2024, 6, 20)).AtRisk); // silent for over 30 days
        // Past the due date it is overdue, no longer "at risk".
        Assert.False(TaskBoard.Evaluate(stale, PlanWindow.OfYear(2024), D(2024, 7, 2)).AtRisk);
    }

    [Fact]
    public void Recurring_task_is_due_at_its_next_occurrence_and_overdue_for_each_missed_one()
    {
        var t = Task("Hằng quý");
        File(t, Snv, ProgressStatus.Done, 100, D(2024, 3, 28), D(2024, 3, 31));

        var may = TaskBoard.Evaluate(t, PlanWindow.OfYear(2024), D(2024, 5, 10));
        Assert.Equal(D(2024, 6, 30), may.Due);
        Assert.Empty(may.Missed);
        Assert.False(may.Overdue);
        Assert.Equal(ProgressStatus.NotStarted, may.Status); // the Q2 occurrence has not started

        var october = TaskBoard.Evaluate(t, PlanWindow.OfYear(2024), D(2024, 10, 10));
        Assert.Equal(D(2024, 12, 31), october.Due);
        Assert.Equal([D(2024, 6, 30), D(2024, 9, 30)], october.Missed);
        Assert.True(october.Overdue);
        Assert.Equal(D(2024, 10, 10).DayNumber - D(2024, 6, 30).DayNumber, october.DaysLate);

        // An update without an occurrence answers the next one on or after its date.
        File(t, Snv, ProgressStatus.Done, 100, D(2024, 6, 25));
        Assert.Equal([D(2024, 9, 30)], TaskBoard.Evaluate(t, PlanWindow.OfYear(2024), D(2024, 10, 10)).Missed);
    }

    [Fact]
    public void Monthly_recurring_task_lists_occurrences_only_in_the_plan_year()
    {
        var t = Task("Hàng tháng báo cáo UBND TP", 2023);
        var s = TaskBoard.Evaluate(t, PlanWindow.OfYear(2023), D(2024, 2, 10));
        Assert.Equal(12, s.Missed.Count);
        Assert.Equal(D(2023, 1, 31), s.Missed[0]);
        // The plan's year is over: nothing more falls due.
        Assert.Null(s.Due);
    }

    [Fact]
    public void A_recurring_task_starts_at_its_plans_issue_date()
    {
        // Task 18 of 430/KH-UBND (issued 15/6/2023): its first report was due 30/6/2023, not 31/1/2023.
        var t = Task("Hàng tháng báo cáo UBND TP", 2023);
        t.Plan!.IssuedOn = D(2023, 6, 15);
        var s = TaskBoard.Evaluate(t, t.Plan.Window, D(2023, 8, 10));

        Assert.Equal([D(2023, 6, 30), D(2023, 7, 31)], s.Missed);
        Assert.Equal(D(2023, 8, 31), s.Due);
        Assert.Equal(D(2023, 8, 10).DayNumber - D(2023, 6, 30).DayNumber, s.DaysLate);
    }

    [Fact]
    public void A_yearly_task_stops_at_the_end_of_its_plans_period()
    {
        var t = Task("Hằng năm", 2024);
        File(t, Snv, ProgressStatus.Done, 100, D(2024, 12, 20));

        // Done for 2024: nothing is due in 2025 or 2026, nothing late on 1/3/2025.
        var after = TaskBoard.Evaluate(t, t.Plan!.Window, D(2025, 3, 1));
        Assert.Null(after.Due);
        Assert.Empty(after.Missed);
        Assert.False(after.Overdue);
        Assert.Equal(0, after.DaysLate);
        Assert.Equal(ProgressStatus.Done, after.Status);
        Assert.Empty(TaskBoard.DeadlineOf(t, t.Plan.Window).Occurrences(D(2025, 1, 1), D(2026, 12, 31)));

        // A plan that says its period (2021–2025) recurs every year of it.
        t.Plan.PeriodFrom = 2024;
        t.Plan.PeriodTo = 2025;
        var period = TaskBoard.Evaluate(t, t.Plan.Window, D(2026, 3, 1));
        Assert.Equal([D(2025, 12, 31)], period.Missed);
        Assert.Null(period.Due);
    }

    [Fact]
    public void Continuous_is_never_overdue_unparsed_is_flagged_and_event_waits_for_its_date()
    {
        var continuous = TaskBoard.Evaluate(Task("Thường xuyên"), PlanWindow.OfYear(2024), D(2030, 1, 1));
        Assert.False(continuous.Overdue);
        Assert.Null(continuous.Due);

        var unparsed = TaskBoard.Evaluate(Task("Chưa xác định"), PlanWindow.OfYear(2024), D(2030, 1, 1));
        Assert.Equal(DeadlineKind.Unparsed, unparsed.Kind);
        Assert.True(unparsed.NeedsDeadline);
        Assert.False(unparsed.Overdue);

        var t = Task("Sau khi Phòng Thương mại và Công nghiệp Việt Nam công bố");
        var waiting = TaskBoard.Evaluate(t, PlanWindow.OfYear(2024), D(2030, 1, 1));
        Assert.True(waiting.AwaitingEvent);
        Assert.False(waiting.Overdue);

        t.EventDate = D(2024, 5, 7);
        Assert.False(TaskBoard.Evaluate(t, PlanWindow.OfYear(2024), D(2024, 6, 6)).Overdue); // 30 days after the event
        var late = TaskBoard.Evaluate(t, PlanWindow.OfYear(2024), D(2024, 6, 7));
        Assert.True(late.Overdue);
        Assert.Equal(D(2024, 6, 6), late.Due);
    }

    [Fact]
    public void With_two_leads_the_task_is_done_only_when_both_are_and_each_has_its_own_share()
    {
        var t = Task("Tháng 6/2024", leads: [Snv, Stp]);
        File(t, Snv, ProgressStatus.Done, 100, D(2024, 6, 10));

        var whole = TaskBoard.Evaluate(t, PlanWindow.OfYear(2024), D(2024, 7, 1));
        Assert.Equal(ProgressStatus.InProgress, whole.Status);
        Assert.Equal(50, whole.Percent);
        Assert.True(whole.Overdue);
        Assert.True(TaskBoard.EvaluateFor(t, PlanWindow.OfYear(2024), D(2024, 7, 1), Snv.Id).DoneOnTime);
        Assert.True(TaskBoard.EvaluateFor(t, PlanWindow.OfYear(2024), D(2024, 7, 1), Stp.Id).Overdue);

        File(t, Stp, ProgressStatus.Done, 100, D(2024, 7, 3));
        var done = TaskBoard.Evaluate(t, PlanWindow.OfYear(2024), D(2024, 7, 10));
        Assert.True(done.DoneLate);
        Assert.Equal(D(2024, 7, 3), done.DoneOn);
    }

    [Fact]
    public void A_cooperating_agency_does_not_finish_the_task()
    {
        var t = Task("Tháng 6/2024", cooperating: [Stp]);
        File(t, Stp, ProgressStatus.Done, 100, D(2024, 6, 10), role: AgencyRole.Cooperating);
        Assert.Equal(ProgressStatus.NotStarted, TaskBoard.Evaluate(t, PlanWindow.OfYear(2024), D(2024, 6, 20)).Status);
    }

    TaskSet Set(params PlanTask[] tasks) => new()
    {
        Tasks = [.. tasks],
        Units = new[] { Snv, Stp, District }.ToDictionary(u => u.Id),
        Groups = new Dictionary<int, UnitGroup> { [Districts.Id] = Districts },
    };

    [Theory]
    [InlineData(23, 7)]
    [InlineData(27, 3)]
    [InlineData(29, 1)]
    public void Reminders_go_to_lead_and_cooperating_units_7_3_and_1_days_before(int day, int daysBefore)
    {
        var t = Task("Tháng 6/2024", cooperating: [Stp]);
        var clock = ClockAt(D(2024, 6, day));

        var sent = Reminders.For(Set(t), TaskBoard.Today(clock)).Where(n => n.Kind == NotificationKind.Reminder).ToList();

        Assert.Equal(["SNV", "STP"], sent.Select(n => n.Unit).Order());
        Assert.All(sent, n => Assert.Equal(daysBefore, n.Days));
        Assert.Contains(sent, n => n.Unit == "SNV" && n.Role == AgencyRole.Lead && n.Message.StartsWith("Chủ trì. Còn"));
    }

    [Theory]
    [InlineData(22)]
    [InlineData(26)]
    [InlineData(28)]
    [InlineData(30)]
    public void No_reminder_on_other_days(int day)
    {
        var t = Task("Tháng 6/2024");
        Assert.DoesNotContain(Reminders.For(Set(t), D(2024, 6, day)), n => n.Kind == NotificationKind.Reminder);
    }

    [Fact]
    public void No_reminder_once_done_and_an_overdue_notice_after_the_due_date()
    {
        var done = Task("Tháng 6/2024");
        File(done, Snv, ProgressStatus.Done, 100, D(2024, 6, 1));
        Assert.Empty(Reminders.For(Set(done), D(2024, 6, 23)));

        var late = Task("Tháng 6/2024");
        var notices = Reminders.For(Set(late), D(2024, 7, 3)).ToList();
        Assert.Equal(NotificationKind.Overdue, Assert.Single(notices).Kind);
        Assert.Equal(3, notices[0].Days);
    }

    [Fact]
    public void A_group_named_as_lead_reminds_and_holds_each_member_unit()
    {
        var t = Task("Tháng 6/2024", leads: []);
        t.Agencies.Add(new TaskAgency { Role = AgencyRole.Lead, Name = "UBND cấp huyện", GroupId = Districts.Id });
        var set = Set(t);

        Assert.Equal("BD", Assert.Single(Reminders.For(set, D(2024, 6, 29))).Unit);
        var report = TaskBoardAccountability.Build(set, D(2024, 7, 5));
        var head = Assert.Single(report.Heads);
        Assert.Equal("Thủ trưởng UBND quận Ba Đình", head.Head);
        Assert.Equal(5, head.DaysLate);
        Assert.Equal("Quá hạn, chưa triển khai", head.Reason);
    }

    [Fact]
    public void Calendar_feed_is_escaped_and_folded_at_75_octets()
    {
        var entries = new[]
        {
            new CalendarEntry(D(2024, 6, 30), 7, "164/KH-UBND, 30/05/2024", "12",
                "Nâng cao chất lượng, hiệu quả; công khai thủ tục hành chính trên Cổng dịch vụ công Thành phố và Cổng Dịch vụ công quốc gia",
                "Sở Nội vụ", AgencyRole.Lead, false, false),
        };
        var ics = TaskBoardCalendar.Ics("Sở Nội vụ", "SNV", entries, new DateTime(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc));

        Assert.StartsWith("BEGIN:VCALENDAR\r\n", ics);
        Assert.EndsWith("END:VCALENDAR\r\n", ics);
        Assert.Contains("DTSTART;VALUE=DATE:20240630\r\n", ics);
        Assert.Contains("\\, hiệu quả\\; công khai", ics.Replace("\r\n ", ""));
        Assert.All(ics.Split("\r\n"), line => Assert.True(System.Text.Encoding.UTF8.GetByteCount(line) <= 75, line));
        // Unfolding gives back the summary whole.
        Assert.Contains("SUMMARY:Hạn nhiệm vụ 12 (chủ trì): Nâng cao chất lượng", ics.Replace("\r\n ", ""));
    }
}
