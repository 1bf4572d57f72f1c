using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Audit;
using ChiSo.Features.Plans;
using ChiSo.Features.Reports;
using ChiSo.Features.Units;
using ChiSo.Tests.Infrastructure;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using DocumentFormat.OpenXml.Wordprocessing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using MiniExcelLibs;

namespace ChiSo.Tests.PeriodicReports;

/// <summary>Filing, submitting, the dashboard and the consolidated files, on a seeded database of the test's own.
/// Tây Hồ (Q-TAYHO) has its 2024 plan built in (issuer of the seed 004 plan, with its KPI targets).</summary>
public abstract class ReportFilingTests(Provider provider)
{
    const string TayHo = "Q-TAYHO", BaDinh = "Q-BADINH";
    static readonly ReportingPeriod Q1 = ReportingSchedule.Default.Period(2024, ReportingPeriodKind.Q1);

    // 10/03/2024 09:00 in Hà Nội: inside the Q1 window, before the due date.
    static FakeTimeProvider Clock() => new(new DateTimeOffset(2024, 3, 10, 2, 0, 0, TimeSpan.Zero));

    static ReportService Service(ChiSoDb db, TimeProvider? clock = null) => new(db, clock ?? Clock(), ReportingSchedule.Default);

    static ReportEdit Texts(Guid? concurrency, params (string Area, string Text)[] sections) =>
        new(concurrency, sections.ToDictionary(s => s.Area, s => (string?)s.Text), null);

    static async Task<ReportForm> FileAsync(ChiSoDb db, string unit, string text, bool submit, TimeProvider? clock = null)
    {
        var saved = await Service(db, clock).SaveAsync(unit, 2024, ReportingPeriodKind.Q1, null, Texts(null, ("institutions", text)), Actors.Admin("Cán bộ " + unit));
        Assert.Equal(ReportOutcomeKind.Ok, saved.Kind);
        if (!submit) return saved.Form!;
        var submitted = await Service(db, clock).SubmitAsync(unit, 2024, ReportingPeriodKind.Q1, null, saved.Form!.Concurrency, Actors.Admin("Cán bộ " + unit));
        Assert.Equal(ReportOutcomeKind.Ok, submitted.Kind);
        return submitted.Form!;
    }

    [Fact]
    public async Task A_unit_files_sections_and_KPI_values_then_submitting_locks_the_report()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var clock = Clock();

        var empty = (await Service(db, clock).GetAsync(TayHo, 2024, ReportingPeriodKind.Q1, null)).Form!;
        Assert.Equal(ReportStates.Missing, empty.Status);
        Assert.Null(empty.Concurrency);
        Assert.Equal(ReformAreas.All.Select(a => a.Key), empty.Sections.Select(s => s.Area));
        var sipas = Assert.Single(empty.Kpis, k => k.Metric == "Chỉ số SIPAS của quận");
        Assert.Equal("≥", sipas.Comparator);
        Assert.Equal(90m, sipas.Threshold);

        var saved = await Service(db, clock).SaveAsync(TayHo, 2024, ReportingPeriodKind.Q1, null,
            new ReportEdit(null, new() { ["institutions"] = "Ban hành 02 văn bản quy phạm pháp luật.", ["procedures"] = "Tỷ lệ hồ sơ đúng hạn 99,8 %." },
                new() { [sipas.TargetId] = 91.5m }), Actors.Admin("Nguyễn Văn A"));
        Assert.Equal(ReportOutcomeKind.Ok, saved.Kind);
        var draft = saved.Form!;
        Assert.Equal(ReportStates.Draft, draft.Status);
        Assert.Equal("Ban hành 02 văn bản quy phạm pháp luật.", draft.Sections.Single(s => s.Area == "institutions").Text);
        Assert.Null(draft.Sections.Single(s => s.Area == "apparatus").Text);
        var value = draft.Kpis.Single(k => k.TargetId == sipas.TargetId);
        Assert.Equal(91.5m, value.Value);
        Assert.True(value.Met);
        var actual = await db.Set<TargetActual>().AsNoTracking().SingleAsync(a => a.PlanTargetId == sipas.TargetId);
        Assert.Equal((2024, ReportingPeriodKind.Q1, "Nguyễn Văn A"), (actual.Year, actual.Period, actual.RecordedBy));

        clock.Advance(TimeSpan.FromHours(3));
        var submitted = await Service(db, clock).SubmitAsync(TayHo, 2024, ReportingPeriodKind.Q1, null, draft.Concurrency, Actors.Admin("Nguyễn Văn A"));
        Assert.Equal(ReportOutcomeKind.Ok, submitted.Kind);
        Assert.Equal(ReportStates.Submitted, submitted.Form!.Status);
        Assert.True(submitted.Form.Locked);
        Assert.Equal(new DateTime(2024, 3, 10, 5, 0, 0, DateTimeKind.Utc), submitted.Form.SubmittedAt);
        Assert.Equal("Nguyễn Văn A", submitted.Form.SubmittedBy);

        var edit = await Service(db, clock).SaveAsync(TayHo, 2024, ReportingPeriodKind.Q1, null, Texts(submitted.Form.Concurrency, ("institutions", "Sửa sau khi gửi")), Actors.Admin("B"));
        Assert.Equal(ReportOutcomeKind.Locked, edit.Kind);
        Assert.Equal(ReportOutcomeKind.Locked, (await Service(db, clock).SubmitAsync(TayHo, 2024, ReportingPeriodKind.Q1, null, null, Actors.Admin("B"))).Kind);
        var after = (await Service(db, clock).GetAsync(TayHo, 2024, ReportingPeriodKind.Q1, null)).Form!;
        Assert.Equal("Ban hành 02 văn bản quy phạm pháp luật.", after.Sections.Single(s => s.Area == "institutions").Text);
    }

    [Fact]
    public async Task Thematic_report_has_only_its_area_and_an_empty_report_cannot_be_submitted()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();

        var wrong = await Service(db).SaveAsync(TayHo, 2024, ReportingPeriodKind.Q1, "e-government", Texts(null, ("institutions", "x")), Actors.Admin("A"));
        Assert.Equal(ReportOutcomeKind.Invalid, wrong.Kind);
        Assert.Contains("sections.institutions", wrong.Errors!.Keys);

        var saved = await Service(db).SaveAsync(TayHo, 2024, ReportingPeriodKind.Q1, "e-government", Texts(null, ("e-government", " ")), Actors.Admin("A"));
        Assert.Equal("e-government", Assert.Single(saved.Form!.Sections).Area);
        Assert.Empty(saved.Form.Kpis);
        Assert.Equal(ReportOutcomeKind.Invalid, (await Service(db).SubmitAsync(TayHo, 2024, ReportingPeriodKind.Q1, "e-government", null, Actors.Admin("A"))).Kind);
        Assert.Equal(ReportOutcomeKind.NotFound, (await Service(db).GetAsync(TayHo, 2024, ReportingPeriodKind.Q1, "khong-co")).Kind);
    }

    [Fact]
    public async Task Task_table_shows_the_latest_update_as_of_the_window_end()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var unit = await db.Units.SingleAsync(u => u.Code == TayHo);
        var plan = new Plan { Title = "Kế hoạch thử " + Guid.NewGuid(), Year = 2024, Kind = PlanKind.UnitPlan, IssuerId = unit.Id };
        PlanTask Task(string number, string deadline)
        {
            var t = new PlanTask { Number = number, Description = "Nhiệm vụ " + number, Agencies = [new TaskAgency { Role = AgencyRole.Lead, Name = unit.Name, UnitId = unit.Id }] };
            PlanTasks.ApplyDeadline(t, Deadline.Parse(deadline, 2024));
            return t;
        }
        var early = Task("1", "Tháng 2/2024");
        var later = Task("2", "Quý II/2024");
        var notLed = new PlanTask { Number = "3", Description = "Phối hợp", Agencies = [new TaskAgency { Role = AgencyRole.Cooperating, Name = unit.Name, UnitId = unit.Id }] };
        plan.Tasks.AddRange([early, later, notLed]);
        db.Plans.Add(plan);
        await db.SaveChangesAsync();
        ProgressUpdate Update(PlanTask t, ProgressStatus s, int percent, DateOnly date) => new()
        {
            TaskId = t.Id, UnitId = unit.Id, Role = AgencyRole.Lead, Status = s, Percent = percent, Date = date, FiledAt = DateTime.UtcNow, FiledBy = "thử",
        };
        db.ProgressUpdates.AddRange(
            Update(early, ProgressStatus.NotStarted, 0, new DateOnly(2024, 1, 5)),
            Update(early, ProgressStatus.InProgress, 40, new DateOnly(2024, 3, 14)),
            Update(early, ProgressStatus.Done, 100, new DateOnly(2024, 3, 15)));
        await db.SaveChangesAsync();

        var q1 = (await Service(db).GetAsync(TayHo, 2024, ReportingPeriodKind.Q1, null)).Form!.Tasks.Where(t => t.PlanId == plan.Id).ToList();
        var h1 = (await Service(db).GetAsync(TayHo, 2024, ReportingPeriodKind.H1, null)).Form!.Tasks.Where(t => t.PlanId == plan.Id).ToList();

        Assert.Equal(["1", "2"], q1.Select(t => t.Number));
        Assert.Equal((ProgressStatus.InProgress, 40, new DateOnly(2024, 3, 14), true), (q1[0].Status, q1[0].Percent, q1[0].UpdatedOn, q1[0].Overdue));
        Assert.Equal((ProgressStatus.NotStarted, 0, (DateOnly?)null, false), (q1[1].Status, q1[1].Percent, q1[1].UpdatedOn, q1[1].Overdue));
        Assert.Equal((ProgressStatus.Done, 100, false), (h1[0].Status, h1[0].Percent, h1[0].Overdue));
        Assert.False(h1[1].Overdue); // due 30/6, after the H1 window closes on 14/6
    }

    [Fact]
    public async Task Dashboard_shows_submitted_drafts_and_late_units_as_of_a_fixed_date()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        await FileAsync(db, TayHo, "Đã thực hiện.", submit: true);
        await FileAsync(db, BaDinh, "Đang soạn.", submit: false);
        // Filed on 16/3 (Hà Nội), the day after the due date.
        await FileAsync(db, "STP", "Gửi muộn.", submit: true, new FakeTimeProvider(new DateTimeOffset(2024, 3, 16, 3, 0, 0, TimeSpan.Zero)));

        var onDueDay = await Consolidations.DashboardAsync(db, Q1, new DateOnly(2024, 3, 15));
        var dayAfter = await Consolidations.DashboardAsync(db, Q1, new DateOnly(2024, 3, 16));

        Assert.Equal(0, onDueDay.Late);
        Assert.Equal(2, onDueDay.Submitted);
        Assert.Equal(1, onDueDay.Drafts);
        Assert.Equal(onDueDay.Units - 3, onDueDay.Missing);
        var rows = dayAfter.Rows.ToDictionary(r => r.Unit);
        Assert.Equal((ReportStates.Submitted, false, false), (rows[TayHo].Status, rows[TayHo].Late, rows[TayHo].SubmittedLate));
        Assert.Equal((ReportStates.Draft, true), (rows[BaDinh].Status, rows[BaDinh].Late));
        Assert.Equal((ReportStates.Submitted, false, true), (rows["STP"].Status, rows["STP"].Late, rows["STP"].SubmittedLate));
        Assert.Equal(dayAfter.Units - 2, dayAfter.Late);
        // Units that report and exist on 14/3/2024: no city, no public service unit, none established in 2025.
        Assert.DoesNotContain("HN", rows.Keys);
        Assert.DoesNotContain("SNNMT", rows.Keys);
        Assert.Contains("SKHDT", rows.Keys);
        var kinds = await db.Units.Where(u => rows.Keys.Contains(u.Code)).Select(u => u.Kind).Distinct().ToListAsync();
        Assert.All(kinds, k => Assert.Contains(k, ReportingSchedule.ReportingKinds));
        Assert.Equal(0, (await Consolidations.DashboardAsync(db, ReportingSchedule.Default.Period(2025, ReportingPeriodKind.Q1), new DateOnly(2025, 3, 16))).Submitted);
    }

    sealed class Running(TestDatabase database, ChiSoApp app) : IAsyncDisposable
    {
        public TestDatabase Database { get; } = database;
        public HttpClient Client { get; } = app.CreateClient();

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await app.DisposeAsync();
            await Database.DisposeAsync();
        }
    }

    async Task<Running> StartAsync()
    {
        var database = await TestDatabase.CreateAsync(provider);
        return new Running(database, new ChiSoApp(database));
    }

    static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        (await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync())).RootElement;

    [Fact]
    public async Task A_stale_save_gets_409_problem_and_the_newer_text_is_kept()
    {
        await using var run = await StartAsync();
        const string url = "/api/reports/Q-TAYHO/2024/Q1";

        var first = await run.Client.PutAsJsonAsync(url, new { concurrency = (Guid?)null, sections = new { institutions = "Bản 1" } });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var token = (await JsonAsync(first)).GetProperty("concurrency").GetGuid();
        var second = await run.Client.PutAsJsonAsync(url, new { concurrency = token, sections = new { institutions = "Bản 2" } });
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        var stale = await run.Client.PutAsJsonAsync(url, new { concurrency = token, sections = new { institutions = "Bản cũ ghi đè" } });
        var createdTwice = await run.Client.PutAsJsonAsync(url, new { concurrency = (Guid?)null, sections = new { institutions = "Tạo lại" } });

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
        Assert.Equal(409, (await JsonAsync(stale)).GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, createdTwice.StatusCode);
        var now = await JsonAsync(await run.Client.GetAsync(url));
        Assert.Equal("Bản 2", now.GetProperty("sections").EnumerateArray().Single(s => s.GetProperty("area").GetString() == "institutions").GetProperty("text").GetString());

        var submit = await run.Client.PostAsJsonAsync(url + "/submit", new { concurrency = now.GetProperty("concurrency").GetGuid() });
        Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
        var submitted = await JsonAsync(submit);
        Assert.Equal("submitted", submitted.GetProperty("status").GetString());
        var locked = await run.Client.PutAsJsonAsync(url, new { concurrency = submitted.GetProperty("concurrency").GetGuid(), sections = new { institutions = "x" } });
        Assert.Equal(HttpStatusCode.Conflict, locked.StatusCode);
        Assert.Equal("application/problem+json", locked.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Periods_and_dashboard_over_HTTP()
    {
        await using var run = await StartAsync();

        var periods = await JsonAsync(await run.Client.GetAsync("/api/reports/periods?year=2024"));
        var bad = await run.Client.GetAsync("/api/reports?year=2024&period=Q2");
        await run.Client.PutAsJsonAsync("/api/reports/Q-TAYHO/2024/Q1", new { sections = new { apparatus = "Sắp xếp tổ chức bộ máy." } });
        var dashboard = await JsonAsync(await run.Client.GetAsync("/api/reports?year=2024&period=Q1&asOf=2024-03-20"));

        Assert.Equal(["2023-12-15", "2023-12-15", "2024-06-15", "2023-12-15"], periods.EnumerateArray().Select(p => p.GetProperty("start").GetString()));
        Assert.Equal("2024-03-15", periods[0].GetProperty("due").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var tayHo = dashboard.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("unit").GetString() == TayHo);
        Assert.Equal("draft", tayHo.GetProperty("status").GetString());
        Assert.True(tayHo.GetProperty("late").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await run.Client.GetAsync("/api/reports/KHONG-CO/2024/Q1")).StatusCode);
    }

    [Fact]
    public async Task Consolidated_Word_file_is_valid_with_the_national_header_and_unit_sections()
    {
        await using var run = await StartAsync();
        await using (var db = run.Database.NewContext())
        {
            var kpi = (await Service(db).GetAsync(TayHo, 2024, ReportingPeriodKind.Q1, null)).Form!.Kpis.First();
            var saved = await Service(db).SaveAsync(TayHo, 2024, ReportingPeriodKind.Q1, null,
                new ReportEdit(null, new() { ["institutions"] = "Quận đã rà soát 15 văn bản.\nKhông phát hiện sai phạm.", ["e-government"] = "Số hóa hồ sơ đạt 65 %." },
                    new() { [kpi.TargetId] = 7m }), Actors.Admin("A"));
            await Service(db).SubmitAsync(TayHo, 2024, ReportingPeriodKind.Q1, null, saved.Form!.Concurrency, Actors.Admin("A"));
            await FileAsync(db, "STP", "Sở Tư pháp thẩm định 40 dự thảo văn bản.", submit: true);
            await FileAsync(db, BaDinh, "Bản nháp không được tổng hợp.", submit: false);
        }

        var response = await run.Client.GetAsync("/api/reports/consolidated.docx?year=2024&period=Q1&asOf=2024-03-20");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ReportsApi.Docx, response.Content.Headers.ContentType?.MediaType);
        using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        using var doc = WordprocessingDocument.Open(stream, false);
        var errors = new OpenXmlValidator(FileFormatVersions.Office2019).Validate(doc).Select(e => $"{e.Path?.XPath}: {e.Description}").ToList();
        Assert.Empty(errors);
        var body = doc.MainDocumentPart!.Document!.Body!;
        var paragraphs = body.Descendants<Paragraph>().Select(p => p.InnerText).ToList();
        var header = body.Elements<Table>().First().InnerText;
        Assert.Contains("ỦY BAN NHÂN DÂN", header);
        Assert.Contains("SỞ NỘI VỤ", header);
        Assert.Contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", header);
        Assert.Contains("Độc lập - Tự do - Hạnh phúc", header);
        Assert.Contains(paragraphs, p => p.StartsWith("Số:") && p.EndsWith("/BC-SNV"));
        Assert.Contains("Hà Nội, ngày 20 tháng 03 năm 2024", paragraphs);
        Assert.Contains("BÁO CÁO", paragraphs);
        Assert.Contains("Kết quả thực hiện công tác cải cách hành chính quý I năm 2024", paragraphs);
        Assert.Contains("Quận Tây Hồ: Quận đã rà soát 15 văn bản.", paragraphs);
        Assert.Contains("Không phát hiện sai phạm.", paragraphs);
        Assert.Contains("Sở Tư pháp: Sở Tư pháp thẩm định 40 dự thảo văn bản.", paragraphs);
        Assert.Contains("Quận Tây Hồ: Số hóa hồ sơ đạt 65 %.", paragraphs);
        Assert.DoesNotContain(paragraphs, p => p.Contains("Bản nháp không được tổng hợp."));
        Assert.Contains("Nơi nhận:", paragraphs);
        var kpiTable = body.Elements<Table>().Single(t => t.InnerText.Contains("Chỉ tiêu") && t.InnerText.Contains("Đánh giá"));
        Assert.Contains("Quận Tây Hồ", kpiTable.InnerText);
        var font = doc.MainDocumentPart.StyleDefinitionsPart!.Styles!.DocDefaults!.Descendants<RunFonts>().Single();
        Assert.Equal("Times New Roman", font.Ascii?.Value);
        Assert.All(body.Descendants<FontSize>(), s => Assert.InRange(int.Parse(s.Val!.Value!), 22, 28));
    }

    [Fact]
    public async Task Consolidated_Excel_file_reads_back()
    {
        await using var run = await StartAsync();
        await using (var db = run.Database.NewContext())
        {
            await FileAsync(db, TayHo, "Nội dung.", submit: true);
            var unit = await db.Units.SingleAsync(u => u.Code == TayHo);
            var plan = new Plan { Title = "Kế hoạch thử " + Guid.NewGuid(), Year = 2024, Kind = PlanKind.UnitPlan, IssuerId = unit.Id };
            plan.Tasks.Add(new PlanTask { Number = "1", Description = "Rà soát TTHC", DeadlineText = "Quý I/2024", Due = new DateOnly(2024, 3, 31),
                Agencies = [new TaskAgency { Role = AgencyRole.Lead, Name = unit.Name, UnitId = unit.Id }] });
            db.Plans.Add(plan);
            await db.SaveChangesAsync();
        }

        var bytes = await run.Client.GetByteArrayAsync("/api/reports/consolidated.xlsx?year=2024&period=Q1&asOf=2024-03-20");

        using var xlsx = new MemoryStream(bytes);
        Assert.Equal([ReportExcel.Filing, ReportExcel.Kpis, ReportExcel.Tasks, AuditHead.Sheet], xlsx.GetSheetNames());
        List<IDictionary<string, object?>> Sheet(string name) => xlsx.Query(useHeaderRow: true, sheetName: name).Cast<IDictionary<string, object?>>().ToList();
        var filing = Sheet(ReportExcel.Filing);
        Assert.Equal("Đã gửi", filing.Single(r => (string?)r["Mã"] == TayHo)["Tình trạng"]);
        Assert.Equal("Có", filing.Single(r => (string?)r["Mã"] == BaDinh)["Chậm gửi"]);
        Assert.Contains(Sheet(ReportExcel.Kpis), r => (string?)r["Chỉ tiêu"] == "Chỉ số SIPAS của quận" && (string?)r["Đơn vị"] == "Quận Tây Hồ");
        var task = Assert.Single(Sheet(ReportExcel.Tasks), r => (string?)r["Nhiệm vụ"] == "Rà soát TTHC");
        Assert.Equal("Chưa triển khai", task["Tình trạng"]);
        Assert.Equal("31/03/2024", task["Hạn"]);
        Assert.StartsWith("Nhật ký thay đổi: bản ghi số ", (string?)Assert.Single(Sheet(AuditHead.Sheet))["Nhật ký thay đổi"]);
    }
}

public sealed class ReportFilingSqliteTests() : ReportFilingTests(Provider.Sqlite);

public sealed class ReportFilingPostgresTests() : ReportFilingTests(Provider.Postgres);
