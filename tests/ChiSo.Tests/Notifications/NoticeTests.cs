using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Features.Notifications;
using ChiSo.Features.Plans;
using ChiSo.Tests.Assessments;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ChiSo.Tests.Notifications;

/// <summary>The notification centre: notices derived per user from the data (their unit's deadlines and appraisal, an
/// appraiser's queue), read marks stored per user, each notice e-mailed once.</summary>
public abstract class NoticeTests(Provider provider)
{
    static IConfiguration Config(int? smtpPort = null) => new ConfigurationBuilder().AddInMemoryCollection(smtpPort is { } port
        ? new Dictionary<string, string?> { ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = port.ToString(), ["Smtp:From"] = "chiso@chiso.test" }
        : []).Build();

    /// <summary>A task SNV leads and the day three days before its deadline, from the built-in plans.</summary>
    static async Task<(int TaskId, DateOnly Due, FakeTimeProvider Clock)> NearDeadlineAsync(ChiSoDb db)
    {
        var from = new DateOnly(2024, 1, 1);
        var set = await TaskBoardQueries.LoadAsync(db, new TaskFilter(Unit: "SNV"), from);
        var snv = await db.Units.Where(u => u.Code == "SNV").Select(u => u.Id).SingleAsync();
        var reminder = Reminders.For(set!, from, snv, within: 3 * 365).Where(n => n.Kind == NotificationKind.Reminder && n.Role == AgencyRole.Lead)
            .OrderBy(n => n.Due).First();
        var day = reminder.Due.AddDays(-3);
        return (reminder.TaskId, reminder.Due, new FakeTimeProvider(new DateTimeOffset(day.ToDateTime(new TimeOnly(3, 0)), TimeSpan.Zero)));
    }

    [Fact]
    public async Task A_unit_user_sees_their_units_deadline_three_days_ahead_and_another_units_user_does_not()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var (taskId, due, clock) = await NearDeadlineAsync(db);
        var units = await db.Units.Where(u => u.Code == "SNV" || u.Code == "STP").ToDictionaryAsync(u => u.Code, u => u.Id);
        var service = new NoticeService(db, clock, Config());

        var mine = await service.ListAsync(Actors.Of(Roles.UnitEditor, units["SNV"], "bien.tap.snv"));
        var near = Assert.Single(mine, n => n.Kind == NoticeKind.DeadlineNear && n.Key == $"task:{taskId}:{units["SNV"]}:due:{due:yyyyMMdd}");
        Assert.StartsWith("Còn 3 ngày đến hạn nhiệm vụ", near.Title);
        Assert.Contains(ViText.Date(due), near.Text);
        Assert.Equal($"/tasks/{taskId}", near.Link);
        Assert.False(near.Read);

        var other = await service.ListAsync(Actors.Of(Roles.UnitEditor, units["STP"], "bien.tap.stp"));
        Assert.DoesNotContain(other, n => n.Key.Contains($":{units["SNV"]}:", StringComparison.Ordinal));
        // A leader has no unit: the unit's deadlines are the unit's notices.
        Assert.DoesNotContain(await service.ListAsync(Actors.Of(Roles.Leader, null, "lanh.dao")), n => n.Kind is NoticeKind.DeadlineNear or NoticeKind.Overdue);
        await Assert.ThrowsAsync<AccessDenied>(() => service.ListAsync(Actor.Anonymous));
    }

    [Fact]
    public async Task The_units_appraisal_result_reaches_its_users_and_a_submitted_unit_reaches_its_appraiser()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var (assessment, clock, cycle, units) = await AssessmentSetup.OpenCycleAsync(db);
        var appraiser = await AssessmentSetup.AppraiserAsync(db, "tham.dinh.thong.bao");
        Assert.True((await assessment.AssignAppraisersAsync(cycle, [new AssignmentSpec("tham.dinh.thong.bao", "SNV", null)], AssessmentSetup.Admin)).Ok);
        var head = AssessmentSetup.Head(units["SNV"]);
        foreach (var (code, answer) in new[] { ("1.1", "3"), ("1.2", Answers.Yes), ("1.3", "Đầy đủ"), ("3.1", "1"), ("3.2", Answers.No), ("4.1", "0") })
            await AssessmentSetup.ScoreAsync(assessment, cycle, "SNV", code, answer, head, noEvidence: code == "1.1" ? "Chưa ban hành" : null);
        Assert.True((await assessment.SubmitAsync(cycle, "SNV", head)).Ok);
        var service = new NoticeService(db, clock, Config());

        var queue = Assert.Single(await service.ListAsync(appraiser), n => n.Kind == NoticeKind.ToAppraise);
        Assert.Equal($"/danh-gia/{cycle}/don-vi/SNV", queue.Link);

        clock.SetUtcNow(new DateTimeOffset(2027, 1, 5, 2, 0, 0, TimeSpan.Zero));
        await AssessmentSetup.AppraiseAsync(assessment, cycle, "SNV", "1.1", appraiser, adjust: 2, reason: "Thiếu văn bản");
        foreach (var code in new[] { "1.2", "1.3", "3.1", "3.2", "4.1" }) await AssessmentSetup.AppraiseAsync(assessment, cycle, "SNV", code, appraiser);
        Assert.True((await assessment.SendAppraisalAsync(cycle, "SNV", appraiser)).Ok);

        var editor = await service.ListAsync(AssessmentSetup.Editor(units["SNV"]));
        var result = Assert.Single(editor, n => n.Kind == NoticeKind.AppraisalResult);
        Assert.Equal("Công nhận 5 tiêu chí, điều chỉnh 1 tiêu chí.", result.Text);
        var explain = Assert.Single(editor, n => n.Kind == NoticeKind.ExplanationDue);
        Assert.StartsWith("Hạn giải trình", explain.Title);
        Assert.DoesNotContain(await service.ListAsync(AssessmentSetup.Editor(units["STP"])), n => n.Kind is NoticeKind.AppraisalResult or NoticeKind.ExplanationDue);
        Assert.DoesNotContain(await service.ListAsync(appraiser), n => n.Kind == NoticeKind.ToAppraise);
    }

    [Fact]
    public async Task Read_marks_are_the_users_own_stored_in_the_database_and_seen_by_another_instance()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        FakeTimeProvider clock;
        int snv;
        string key;
        var editor = Actors.Of(Roles.UnitEditor, 0, "bien.tap.snv");
        var colleague = Actors.Of(Roles.UnitHead, 0, "thu.truong.snv");
        await using (var db = database.NewContext())
        {
            (_, _, clock) = await NearDeadlineAsync(db);
            snv = await db.Units.Where(u => u.Code == "SNV").Select(u => u.Id).SingleAsync();
            editor = editor with { UnitId = snv };
            colleague = colleague with { UnitId = snv };
            var service = new NoticeService(db, clock, Config());
            var before = await service.ListAsync(editor);
            key = before.First(n => !n.Read).Key;
            var unread = await service.UnreadCountAsync(editor);
            Assert.Equal(1, await service.MarkReadAsync([key, "khong-phai-cua-toi"], editor));
            Assert.Equal(0, await service.MarkReadAsync([key], editor));
            Assert.Equal(unread - 1, await service.UnreadCountAsync(editor));
        }
        // Another context, as another app instance would have: the mark is in the database, and only the editor's.
        await using (var db = database.NewContext())
        {
            var service = new NoticeService(db, clock, Config());
            Assert.True((await service.ListAsync(editor)).Single(n => n.Key == key).Read);
            Assert.False((await service.ListAsync(colleague)).Single(n => n.Key == key).Read);
            Assert.Equal(1, await db.NoticesRead.CountAsync(r => r.UserId == editor.UserId));
            Assert.False(await db.NoticesRead.AnyAsync(r => r.Key == "khong-phai-cua-toi"));
        }
    }

    [Fact]
    public async Task Each_notice_is_mailed_once_to_the_users_address_whatever_the_number_of_passes_or_instances()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        await using var sink = new SmtpSink();
        FakeTimeProvider clock;
        await using (var db = database.NewContext()) (_, _, clock) = await NearDeadlineAsync(db);
        var userName = await app.UserAsync(Roles.UnitEditor, "SNV");

        List<Notice> expected;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
            var actor = (await Actor.LoadAsync(db, userName))!;
            expected = (await new NoticeService(db, clock, Config()).ListAsync(actor)).Where(n => !n.Read).ToList();
        }
        Assert.NotEmpty(expected);

        var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();
        NoticeMailer Mailer() => new(scopes, Config(sink.Port), clock, NullLogger<NoticeMailer>.Instance);
        var first = await Mailer().RunOnceAsync(CancellationToken.None);
        // A second instance, then a later pass: nothing new to send.
        var second = await Mailer().RunOnceAsync(CancellationToken.None);
        var third = await Mailer().RunOnceAsync(CancellationToken.None);

        Assert.True(first >= expected.Count, $"{first} sent, {expected.Count} expected at least");
        Assert.Equal(0, second);
        Assert.Equal(0, third);
        Assert.Equal(first, sink.Messages.Count);
        Assert.Contains(sink.Messages, m => m.Contains(userName + "@chiso.test", StringComparison.Ordinal));
        await using var check = app.Services.CreateAsyncScope();
        var marks = await check.ServiceProvider.GetRequiredService<ChiSoDb>().NoticesMailed.Select(m => m.Key).ToListAsync();
        Assert.Equal(marks.Count, marks.Distinct().Count());
        Assert.All(expected, n => Assert.Contains(n.Key, marks));
    }

    /// <summary>The unit editor of SNV with an address, their unread notices three days before a deadline, and mailers of
    /// as many instances as asked for over the one database.</summary>
    static async Task<(string UserId, List<Notice> Unread, FakeTimeProvider Clock, Func<NoticeMailer> Mailer)> MailingAsync(
        TestDatabase database, ChiSoApp app, SmtpSink sink)
    {
        FakeTimeProvider clock;
        await using (var db = database.NewContext()) (_, _, clock) = await NearDeadlineAsync(db);
        var userName = await app.UserAsync(Roles.UnitEditor, "SNV");
        await using var scope = app.Services.CreateAsyncScope();
        var actor = (await Actor.LoadAsync(scope.ServiceProvider.GetRequiredService<ChiSoDb>(), userName))!;
        var unread = (await new NoticeService(scope.ServiceProvider.GetRequiredService<ChiSoDb>(), clock, Config()).ListAsync(actor)).Where(n => !n.Read).ToList();
        Assert.NotEmpty(unread);
        var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();
        return (actor.UserId, unread, clock, () => new NoticeMailer(scopes, Config(sink.Port), clock, NullLogger<NoticeMailer>.Instance));
    }

    static async Task<List<NoticeMailed>> MailedAsync(TestDatabase database)
    {
        await using var db = database.NewContext();
        return await db.NoticesMailed.AsNoTracking().OrderBy(m => m.Id).ToListAsync();
    }

    [Fact]
    public async Task A_notice_claimed_by_an_instance_that_died_before_sending_is_sent_once_after_the_claim_goes_stale()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        await using var sink = new SmtpSink();
        var (userId, unread, clock, mailer) = await MailingAsync(database, app, sink);
        var lost = unread[0];
        // An instance claimed this notice and was killed before the mail went out.
        await using (var db = database.NewContext())
        {
            db.NoticesMailed.Add(new NoticeMailed { UserId = userId, Key = lost.Key, ClaimedAt = clock.GetUtcNow().UtcDateTime, Attempts = 1 });
            await db.SaveChangesAsync();
        }

        // While the claim is fresh, nobody else takes it (the dead instance might still have been sending).
        clock.Advance(TimeSpan.FromMinutes(5));
        await mailer().RunOnceAsync(default);
        var held = (await MailedAsync(database)).Single(m => m.UserId == userId && m.Key == lost.Key);
        Assert.Null(held.SentAt);
        Assert.Equal(1, held.Attempts);
        var before = sink.Messages.Count;

        // Once stale, the next passes (two instances at once) send it, one of them only.
        clock.Advance(MailClaims.StaleClaim);
        var sent = await Task.WhenAll(mailer().RunOnceAsync(default), mailer().RunOnceAsync(default));
        Assert.Equal(1, sent.Sum());
        var done = (await MailedAsync(database)).Single(m => m.UserId == userId && m.Key == lost.Key);
        Assert.Equal(clock.GetUtcNow().UtcDateTime, done.SentAt!.Value, TimeSpan.FromSeconds(1));
        Assert.Equal(2, done.Attempts);
        Assert.Equal(before + 1, sink.Messages.Count);

        clock.Advance(MailClaims.StaleClaim);
        Assert.Equal(0, await mailer().RunOnceAsync(default));
        Assert.Equal(before + 1, sink.Messages.Count);
    }

    [Fact]
    public async Task Two_instances_mailing_at_once_send_each_notice_once()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        await using var sink = new SmtpSink();
        var (userId, unread, _, mailer) = await MailingAsync(database, app, sink);

        var sent = await Task.WhenAll(mailer().RunOnceAsync(default), mailer().RunOnceAsync(default));
        var rows = await MailedAsync(database);
        Assert.All(rows, r => Assert.NotNull(r.SentAt));
        Assert.All(rows, r => Assert.Equal(1, r.Attempts));
        Assert.Equal(rows.Count, sent.Sum());
        Assert.Equal(rows.Count, sink.Messages.Count);
        Assert.All(unread, n => Assert.Single(rows, r => r.UserId == userId && r.Key == n.Key));
    }

    [Fact]
    public async Task A_notice_the_mail_server_refused_is_kept_counted_and_sent_by_a_later_pass()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        await using var sink = new SmtpSink { Refuse = true };
        var (userId, unread, clock, mailer) = await MailingAsync(database, app, sink);

        Assert.Equal(0, await mailer().RunOnceAsync(default));
        var refused = (await MailedAsync(database)).Where(r => r.UserId == userId).ToList();
        Assert.Equal(unread.Select(n => n.Key).Order(), refused.Select(r => r.Key).Order());
        Assert.All(refused, r =>
        {
            Assert.Null(r.SentAt);
            Assert.Null(r.ClaimedAt);
            Assert.Equal(1, r.Attempts);
            Assert.False(string.IsNullOrEmpty(r.Problem));
        });

        // Still refused: tried again, and counted.
        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(0, await mailer().RunOnceAsync(default));
        Assert.All((await MailedAsync(database)).Where(r => r.UserId == userId), r => Assert.Equal(2, r.Attempts));

        sink.Refuse = false;
        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.True(await mailer().RunOnceAsync(default) >= unread.Count);
        var sent = (await MailedAsync(database)).Where(r => r.UserId == userId).ToList();
        Assert.All(sent, r =>
        {
            Assert.NotNull(r.SentAt);
            Assert.Null(r.Problem);
            Assert.Equal(3, r.Attempts);
        });
        Assert.Equal((await MailedAsync(database)).Count(r => r.SentAt != null), sink.Messages.Count);
    }

    [Fact]
    public async Task Bands_with_a_repeated_name_a_bound_over_100_or_two_equal_bounds_are_refused_in_Vietnamese()
    {
        Assert.Empty(Band.Problems(AssessmentService.DefaultBands));
        Assert.Contains("phải nhỏ hơn mức trên", string.Join(" ", Band.Problems([new("Tốt", 80), new("Xuất sắc", 90)])));
        Assert.Contains("bị trùng", string.Join(" ", Band.Problems([new("Tốt", 90), new("tốt", 80)])));
        Assert.Contains("từ 0 đến 100", string.Join(" ", Band.Problems([new("Xuất sắc", 120), new("Tốt", 80)])));
        Assert.Contains("chưa có tên", string.Join(" ", Band.Problems([new(" ", 50)])));

        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var key = await AssessmentSetup.FrameworkAsync(db);
        var service = new AssessmentService(db, new FakeTimeProvider(AssessmentSetup.Start));
        var refused = await service.CreateCycleAsync(new CycleSpec(2026, "Kỳ thử mức", AssessmentSetup.Due, new DateOnly(2027, 1, 4), new DateOnly(2027, 1, 29), 7,
            [new GroupSpec("Sở", key, FrameworkBuilder.Version, ["SNV"], [new("Tốt", 80), new("Khá", 80)])]), AssessmentSetup.Admin);
        Assert.False(refused.Ok);
        Assert.Contains("phải nhỏ hơn mức trên", refused.Error);
        // Any order is taken from the API, as long as the bands are right.
        var created = await service.CreateCycleAsync(new CycleSpec(2026, "Kỳ thử mức", AssessmentSetup.Due, new DateOnly(2027, 1, 4), new DateOnly(2027, 1, 29), 7,
            [new GroupSpec("Sở", key, FrameworkBuilder.Version, ["SNV"], [new("Khá", 65), new("Tốt", 80), new("Yếu", 0)])]), AssessmentSetup.Admin);
        Assert.True(created.Ok, created.Error);
        Assert.Equal(["Tốt", "Khá", "Yếu"], created.Value.Groups[0].Bands.Select(b => b.Name));
    }
}

public sealed class NoticeSqliteTests() : NoticeTests(Provider.Sqlite);

public sealed class NoticePostgresTests() : NoticeTests(Provider.Postgres);
