using System.Text;
using System.Text.RegularExpressions;
using ChiSo;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Features.Frameworks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChiSo.BrowserTests;

/// <summary>The annual unit assessment through each role's screens: the unit's editor and head, the appraiser, and
/// the public ranking. Each test builds its own small framework and cycle through the service.</summary>
[Collection("browser")]
public sealed class AssessmentTests(BrowserFixture fx)
{
    readonly AssessmentSetup setup = new(fx);

    internal static ILocator Card(IPage page, string code) => page.Locator($"[data-testid=criterion][data-code='{code}']");
    // MudBlazor puts a text field's attributes on its input (a multi-line one's on the textarea or around it).
    internal static ILocator Input(ILocator scope, string testId) =>
        scope.Locator($"[data-testid={testId}] input, input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] textarea").First;

    internal static async Task Type(ILocator input, string text)
    {
        await input.FillAsync(text);
        await input.PressAsync("Tab");
    }

    [Fact]
    public async Task A_unit_editor_answers_two_kinds_of_criteria_saves_them_at_once_attaches_evidence_beside_one_and_bad_scores_are_refused_in_Vietnamese()
    {
        var key = await setup.FrameworkAsync();
        var id = await setup.CycleAsync(key, "SNV");
        var unitId = await setup.UnitIdAsync("SNV");
        var page = await fx.OpenAsync($"/danh-gia/{id}/don-vi/SNV",
            c => TestSignIn.SignInAsync(c, fx, "bientap-" + key, "Nguyễn Thị Biên", unitId, Roles.UnitEditor));
        await Expect(page.GetByTestId("progress-text")).ToHaveTextAsync("0/4");
        await Expect(page.GetByTestId("unsaved-count")).ToHaveTextAsync("Mọi thay đổi đã được lưu");
        await Expect(page.GetByTestId("save")).ToHaveCountAsync(0);

        // Two criteria typed, one save: the good one is stored, the bad one stays typed with its reason.
        var c11 = Card(page, "1.1");
        var c12 = Card(page, "1.2");
        await Type(Input(c11, "answer"), "2,5");
        await c12.GetByText("Có (1 điểm)").ClickAsync();
        await Expect(page.GetByTestId("unsaved-count")).ToHaveTextAsync("2 tiêu chí chưa lưu");
        await Expect(c11.GetByTestId("item-unsaved")).ToBeVisibleAsync();
        await page.GetByTestId("save-all").ClickAsync();
        await Expect(c11.GetByTestId("item-error")).ToContainTextAsync("điểm 2,5 vượt điểm tối đa 2");
        await Expect(page.GetByTestId("save-summary")).ToContainTextAsync("Đã lưu 1 tiêu chí; 1 tiêu chí chưa lưu được");
        await Expect(page.GetByTestId("progress-text")).ToHaveTextAsync("1/4");
        await Expect(c12.GetByTestId("points")).ToContainTextAsync("1 / 1");
        await Expect(page.GetByTestId("unsaved-count")).ToHaveTextAsync("1 tiêu chí chưa lưu");

        await Type(Input(c11, "answer"), "0,7");
        await page.GetByTestId("save-all").ClickAsync();
        await Expect(c11.GetByTestId("item-error")).ToContainTextAsync("điểm phải là bội số của 0,5");
        await Type(Input(c11, "answer"), "1,5");
        await page.GetByTestId("save-all").ClickAsync();
        await Expect(c11.GetByTestId("item-saved")).ToBeVisibleAsync();
        await Expect(c11.GetByTestId("item-error")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("progress-text")).ToHaveTextAsync("2/4");
        await Expect(c11.GetByTestId("missing-evidence")).ToHaveTextAsync("Thiếu tài liệu kiểm chứng");

        // Evidence beside the criterion that needs it: uploaded there, linked there, stored with the next save.
        await c11.GetByTestId("attach").ClickAsync();
        var form = c11.GetByTestId("evidence-form");
        await FileChoice.ChooseAsync(form.GetByTestId("evidence-file"), new FilePayload { Name = "ke-hoach-cchc-2026.pdf", MimeType = "application/pdf", Buffer = TinyPdf() });
        await Expect(form.GetByTestId("file-chosen")).ToHaveTextAsync("ke-hoach-cchc-2026.pdf");
        await Type(Input(form, "evidence-title"), "Kế hoạch CCHC năm 2026");
        await Type(Input(form, "evidence-number"), "12/KH-SNV");
        await form.GetByTestId("evidence-upload").ClickAsync();
        await Expect(page.GetByTestId("evidence-list")).ToContainTextAsync("Kế hoạch CCHC năm 2026");
        await Expect(c11.GetByTestId("item-unsaved")).ToBeVisibleAsync();
        await page.GetByTestId("save-all").ClickAsync();
        await Expect(c11.GetByTestId("missing-evidence")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=evidence-list] tr[data-evidence]").First).ToContainTextAsync("1.1");
        await Expect(page.GetByTestId("total")).ToContainTextAsync("2,5 / 7");
        await Expect(page.GetByTestId("unsaved-count")).ToHaveTextAsync("Mọi thay đổi đã được lưu");
        await Screenshots.TakeAsync(page, "unit-form.png");
    }

    [Fact]
    public async Task The_unit_head_submits_after_confirming_and_the_form_becomes_read_only()
    {
        var key = await setup.FrameworkAsync();
        var id = await setup.CycleAsync(key, "SNV");
        await setup.AnswerAllAsync(id, "SNV");
        var unitId = await setup.UnitIdAsync("SNV");
        var page = await fx.OpenAsync($"/danh-gia/{id}/don-vi/SNV",
            c => TestSignIn.SignInAsync(c, fx, "thutruong-" + key, "Lê Văn Trưởng", unitId, Roles.UnitHead));
        await Expect(page.GetByTestId("progress-text")).ToHaveTextAsync("4/4");
        await Expect(page.GetByTestId("save-all")).ToBeVisibleAsync();

        // The confirmation says what is sent; cancelling sends nothing.
        await page.GetByTestId("submit").ClickAsync();
        await Expect(page.GetByTestId("confirm-dialog")).ToContainTextAsync("Sau khi gửi, điểm tự chấm bị khoá");
        await page.GetByTestId("confirm-cancel").ClickAsync();
        await Expect(page.GetByTestId("submit")).ToBeVisibleAsync();
        await page.GetByTestId("submit").ClickAsync();
        await page.GetByTestId("confirm-yes").ClickAsync();
        await Expect(page.GetByTestId("unit-done")).ToContainTextAsync("Đã gửi bản tự đánh giá");
        await Expect(page.Locator("h1 ~ [data-testid=stage], [data-testid=stage]").First).ToHaveTextAsync("Đã gửi, chờ thẩm định");
        await Expect(page.GetByTestId("read-only")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("save-all")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("submit")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("evidence-form")).ToHaveCountAsync(0);
        await Expect(Card(page, "1.1").GetByTestId("self")).ToContainTextAsync("1,5");
    }

    [Fact]
    public async Task An_appraiser_finds_the_unit_in_the_queue_adjusts_one_criterion_with_a_reason_accepts_the_rest_and_sends()
    {
        var key = await setup.FrameworkAsync();
        var id = await setup.CycleAsync(key, "SNV");
        await setup.AnswerAllAsync(id, "SNV");
        AssessmentSetup.Ok(await setup.Service(s => s.SubmitAsync(id, "SNV", AssessmentSetup.Admin)));
        var appraiser = "thamdinh-" + key;
        await TestSignIn.EnsureUserAsync(fx.Services, appraiser, "Phạm Thẩm Định", null, Roles.Appraiser);
        AssessmentSetup.Ok(await setup.Service(s => s.AssignAppraisersAsync(id, [new AssignmentSpec(appraiser, "SNV", null)], AssessmentSetup.Admin)));

        var page = await fx.OpenAsync("/tham-dinh", c => TestSignIn.SignInAsync(c, fx, appraiser, "Phạm Thẩm Định", null, Roles.Appraiser));
        var row = page.Locator("[data-testid=queue] tr[data-unit=SNV]");
        await Expect(row).ToContainTextAsync("Đã gửi, chờ thẩm định");
        await Expect(row.Locator("td").Nth(3)).ToHaveTextAsync("4");
        await row.GetByTestId("queue-unit").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/danh-gia/{id}/don-vi/SNV$"));
        await Expect(page.GetByTestId("appraiser-mode")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("save-all")).ToHaveCountAsync(0);

        var c11 = Card(page, "1.1");
        await c11.GetByTestId("adjust").ClickAsync();
        await Type(Input(c11, "adjust-points"), "1");
        await c11.GetByTestId("adjust-save").ClickAsync();
        await Expect(c11.GetByTestId("item-error")).ToContainTextAsync("Điều chỉnh điểm phải ghi rõ lý do");
        await Type(Input(c11, "adjust-reason"), "Kế hoạch ban hành chậm so với hướng dẫn");
        await c11.GetByTestId("adjust-save").ClickAsync();
        await Expect(c11.GetByTestId("verdict")).ToContainTextAsync("điều chỉnh còn 1 điểm");
        await Expect(c11.GetByTestId("verdict")).ToContainTextAsync("Kế hoạch ban hành chậm");

        await page.GetByTestId("accept-rest").ClickAsync();
        await Expect(page.GetByTestId("verdict")).ToHaveCountAsync(4);
        await Expect(Card(page, "1.2").GetByTestId("verdict")).ToContainTextAsync("công nhận");
        await Screenshots.TakeAsync(page, "appraiser-view.png");

        await page.GetByTestId("send-appraisal").ClickAsync();
        await Expect(page.GetByTestId("unit-done")).ToContainTextAsync("Đã gửi kết quả thẩm định");
        await Expect(page.GetByTestId("stage").First).ToHaveTextAsync("Đã thẩm định, chờ giải trình");
        await Expect(page.GetByTestId("send-appraisal")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_public_ranking_shows_published_ranks_with_a_tie_and_hides_unpublished_cycles()
    {
        var key = await setup.FrameworkAsync();
        var id = await setup.CycleAsync(key, "SNV", "STP", "STC");
        await setup.AnswerAllAsync(id, "SNV");
        await setup.AnswerAllAsync(id, "STP");
        await setup.AnswerAllAsync(id, "STC", points11: "0,5", yesNo: "no");
        foreach (var unit in new[] { "SNV", "STP", "STC" })
        {
            AssessmentSetup.Ok(await setup.Service(s => s.SubmitAsync(id, unit, AssessmentSetup.Admin)));
            await setup.AcceptAllAsync(id, unit);
            AssessmentSetup.Ok(await setup.Service(s => s.SendAppraisalAsync(id, unit, AssessmentSetup.Admin)));
        }
        AssessmentSetup.Ok(await setup.Service(s => s.FinaliseAsync(id, new CouncilInput(new DateOnly(2027, 1, 20), "05/BB-HĐTĐ", 7, 5, null, null), AssessmentSetup.Admin)));
        AssessmentSetup.Ok(await setup.Service(s => s.SetSurveyPointsAsync(id, new SurveyPointsInput("Điều tra XHH 2026",
            [new("SNV", "2.2", 0.8m), new("STP", "2.2", 0.8m), new("STC", "2.2", 0.6m)]), AssessmentSetup.Admin)));
        var unpublished = await setup.CycleAsync(key, "SNV");

        // The heat map, seen by the standing agency before publication.
        var admin = await fx.OpenAsync($"/danh-gia/{id}/ban-do-nhiet", c => TestSignIn.SignInAsync(c, fx, "snv-" + key, "Sở Nội vụ", null, Roles.Admin));
        await Expect(admin.Locator("[data-testid=heatmap] tbody tr")).ToHaveCountAsync(3);
        await Expect(admin.Locator("[data-testid=heatmap] tbody tr").Last).ToHaveAttributeAsync("data-unit", "STC");
        await Screenshots.TakeAsync(admin, "heat-map.png");
        await admin.GotoAsync($"{fx.BaseUrl}/danh-gia/{id}");
        await Expect(admin.GetByTestId("count-submitted")).ToHaveTextAsync("3");
        await Expect(admin.Locator("[data-testid=cycle-units] tr[data-unit=STC]")).ToContainTextAsync("Hội đồng đã chốt");
        await Screenshots.TakeAsync(admin, "cycle-dashboard.png");
        await admin.GotoAsync($"{fx.BaseUrl}/danh-gia");
        await Expect(admin.GetByTestId("cycle-form")).ToBeVisibleAsync();
        await Screenshots.TakeAsync(admin, "cycles.png");
        await admin.GotoAsync($"{fx.BaseUrl}/danh-gia/{id}/xep-hang");
        await Expect(admin.GetByTestId("provisional")).ToHaveTextAsync("TẠM TÍNH");

        AssessmentSetup.Ok(await setup.Service(s => s.PublishAsync(id, new DateOnly(2027, 2, 1), AssessmentSetup.Admin)));

        var context = await fx.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "vi-VN", ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{fx.BaseUrl}/xep-hang");
        await page.GetByRole(AriaRole.Link, new() { Name = $"Kỳ thử {key}" }).First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/xep-hang/{id}$"));
        var rows = page.Locator("[data-testid=ranking] tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(page.Locator("tr[data-unit=SNV] [data-testid=rank]")).ToHaveTextAsync("1 (đồng hạng)");
        await Expect(page.Locator("tr[data-unit=STP] [data-testid=rank]")).ToHaveTextAsync("1 (đồng hạng)");
        await Expect(page.Locator("tr[data-unit=STC] [data-testid=rank]")).ToHaveTextAsync("3");
        await Expect(page.Locator("tr[data-unit=SNV]")).ToContainTextAsync("84,29");
        await Expect(page.GetByTestId("audit-head")).ToHaveTextAsync(new Regex(@"^Nhật ký thay đổi: bản ghi số [\d.]+, mã [0-9a-f]{8}…[0-9a-f]{8}, lúc .+ \(giờ Hà Nội\)$"));
        Assert.Equal(0, await page.Locator("script").CountAsync());
        await Screenshots.TakeAsync(page, "public-ranking.png");

        var missing = await page.GotoAsync($"{fx.BaseUrl}/xep-hang/{unpublished}");
        Assert.Equal(404, missing!.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Không tìm thấy kết quả xếp hạng");
        await context.CloseAsync();
    }

    [Fact]
    public async Task The_standing_agency_records_the_council_imports_survey_points_and_publishes_from_the_dashboard()
    {
        var key = await setup.FrameworkAsync();
        var id = await setup.CycleAsync(key, "SNV", "STP");
        foreach (var unit in new[] { "SNV", "STP" })
        {
            await setup.AnswerAllAsync(id, unit);
            AssessmentSetup.Ok(await setup.Service(s => s.SubmitAsync(id, unit, AssessmentSetup.Admin)));
            await setup.AcceptAllAsync(id, unit);
            AssessmentSetup.Ok(await setup.Service(s => s.SendAppraisalAsync(id, unit, AssessmentSetup.Admin)));
        }
        var page = await fx.OpenAsync($"/danh-gia/{id}");

        // The council: no quorum first, then the decision.
        await Type(Input(page.Locator("body"), "council-reference"), "07/BB-HĐTĐ");
        await Type(Input(page.Locator("body"), "council-members"), "9");
        await Type(Input(page.Locator("body"), "council-present"), "4");
        await page.GetByTestId("council-finalise").ClickAsync();
        await Expect(page.GetByTestId("council-error")).ToContainTextAsync("Không đủ số lượng: 4/9");
        await Type(Input(page.Locator("body"), "council-present"), "6");
        await page.GetByTestId("council-finalise").ClickAsync();
        await Expect(page.GetByTestId("council-done")).ToContainTextAsync("07/BB-HĐTĐ, 6/9");

        // Survey points from Excel: a bad sheet is refused whole with its rows named, then the good one.
        string Sheet(params (string Unit, string Code, double Points)[] rows)
        {
            var path = Path.Combine(Path.GetTempPath(), $"diem-xhh-{Guid.NewGuid():N}.xlsx");
            using var file = File.Create(path);
            file.WriteXlsx(new Dictionary<string, object>
            {
                ["Điểm"] = rows.Select(r => new Dictionary<string, object> { ["Đơn vị"] = r.Unit, ["Mã tiêu chí"] = r.Code, ["Điểm"] = r.Points }).ToList(),
            });
            return path;
        }
        await FileChoice.ChooseAsync(page.Locator("[data-testid=survey-file]"), Sheet(("SNV", "2.2", 1.5), ("STP", "1.1", 1)));
        await Expect(page.GetByTestId("survey-file").GetByTestId("file-chosen")).ToHaveTextAsync(new Regex(@"^diem-xhh-.*\.xlsx$"));
        await page.GetByTestId("survey-import").ClickAsync();
        await Expect(page.GetByTestId("survey-error")).ToContainTextAsync("Dòng 2");
        await Expect(page.GetByTestId("survey-error")).ToContainTextAsync("Dòng 3");
        var good = Sheet(("SNV", "2.2", 0.9), ("STP", "2.2", 0.7));
        await FileChoice.ChooseAsync(page.Locator("[data-testid=survey-file]"), good);
        await Expect(page.GetByTestId("survey-file").GetByTestId("file-chosen")).ToHaveTextAsync(Path.GetFileName(good));
        await page.GetByTestId("survey-import").ClickAsync();
        await Expect(page.GetByTestId("cycle-done")).ToContainTextAsync("2 dòng");

        await page.GetByTestId("cycle-publish").ClickAsync();
        await page.GetByTestId("confirm-yes").ClickAsync();
        await Expect(page.GetByTestId("cycle-done")).ToContainTextAsync("Đã công bố");
        var visitor = await (await fx.Browser.NewContextAsync()).NewPageAsync();
        await visitor.GotoAsync($"{fx.BaseUrl}/xep-hang/{id}");
        await Expect(visitor.Locator("tr[data-unit=SNV] [data-testid=rank]")).ToHaveTextAsync("1");
        await Expect(visitor.Locator("tr[data-unit=STP] [data-testid=rank]")).ToHaveTextAsync("2");
    }

    /// <summary>A one-page PDF with a correct cross-reference table, made here so the test needs no file.</summary>
    internal static byte[] TinyPdf()
    {
        string[] objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"];
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = pdf.Length;
        pdf.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets) pdf.Append($"{o:D10} 00000 n \n");
        pdf.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }
}

/// <summary>Frameworks and cycles for the assessment screens, built through the database and the service.</summary>
sealed class AssessmentSetup(BrowserFixture fx)
{
    public static readonly Actor Admin = new("test-admin", "Sở Nội vụ (thiết lập thử)", new HashSet<string> { Roles.Admin }, null);

    public static T Ok<T>(Outcome<T> outcome)
    {
        Assert.True(outcome.Ok, outcome.Error);
        return outcome.Value;
    }

    public async Task<T> Service<T>(Func<AssessmentService, Task<T>> work)
    {
        await using var scope = fx.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<AssessmentService>());
    }

    public async Task<int> UnitIdAsync(string code)
    {
        await using var scope = fx.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ChiSoDb>().Units.Where(u => u.Code == code).Select(u => u.Id).FirstAsync();
    }

    /// <summary>Two fields, max 7: 1.1 points (max 2, step 0,5, evidence required), 1.2 yes/no (max 1, may be "không
    /// áp dụng"), 1.3 levels (max 1), 2.1 percent (max 2), 2.2 survey (max 1).</summary>
    /// <param name="key">Given where a stored screenshot shows it: a random key's width may wrap a heading one line
    /// more or less.</param>
    public async Task<string> FrameworkAsync(string? key = null)
    {
        key ??= "dg-" + Guid.NewGuid().ToString("N")[..8];
        await using var scope = fx.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
        var version = new FrameworkVersion { Label = "V1", ValidFromYear = 2020, Max = 7 };
        db.Frameworks.Add(new Framework { Key = key, Name = "Bộ chỉ số thử " + key, Scale = FrameworkScale.Points, RollUp = RollUp.Sum, Versions = [version] });
        await db.SaveChangesAsync();
        Criterion C(string code, string name, decimal max, int order, int? parent = null) =>
            new() { VersionId = version.Id, ParentId = parent, Code = code, Name = name, Max = max, Order = order, Method = ScoringMethod.Appraisal };
        var f1 = C("1", "Công tác chỉ đạo, điều hành cải cách hành chính", 4, 0);
        var f2 = C("2", "Cải cách thủ tục hành chính", 3, 4);
        db.Criteria.AddRange(f1, f2);
        await db.SaveChangesAsync();
        var c11 = C("1.1", "Ban hành kế hoạch CCHC năm đúng thời hạn", 2, 1, f1.Id);
        c11.Answer = AnswerType.Points;
        c11.Step = 0.5m;
        c11.EvidenceRequired = true;
        c11.Rule = "Ban hành trước ngày 31/12 năm trước: 2 điểm; chậm: trừ 0,5 điểm mỗi tháng.";
        var c12 = C("1.2", "Báo cáo CCHC định kỳ đúng hạn", 1, 2, f1.Id);
        c12.Answer = AnswerType.YesNo;
        c12.AllowNotApplicable = true;
        var c13 = C("1.3", "Kiểm tra CCHC các đơn vị trực thuộc", 1, 3, f1.Id);
        c13.Answer = AnswerType.Levels;
        c13.Levels = [new("Đầy đủ", 1), new("Một phần", 0.5m), new("Chưa thực hiện", 0)];
        var c21 = C("2.1", "Tỷ lệ hồ sơ giải quyết đúng hạn", 2, 5, f2.Id);
        c21.Answer = AnswerType.Percent;
        var c22 = C("2.2", "Mức độ hài lòng của người dân, tổ chức", 1, 6, f2.Id);
        c22.Method = ScoringMethod.Survey;
        db.Criteria.AddRange(c11, c12, c13, c21, c22);
        await db.SaveChangesAsync();
        return key;
    }

    public async Task<int> CycleAsync(string framework, params string[] units)
    {
        var spec = new CycleSpec(2026, $"Kỳ thử {framework}", ViText.EndOfDay(DateOnly.FromDateTime(DateTime.UtcNow.AddDays(30))), new DateOnly(2026, 12, 23), new DateOnly(2027, 1, 15), 7,
            [new GroupSpec("Các sở, ban, ngành", framework, "V1", [.. units])]);
        var cycle = Ok(await Service(s => s.CreateCycleAsync(spec, Admin)));
        Ok(await Service(s => s.OpenCycleAsync(cycle.Id, Admin)));
        return cycle.Id;
    }

    /// <summary>Answers every appraisal criterion (1.1 with a reason for having no file).</summary>
    public async Task AnswerAllAsync(int cycleId, string unit, string points11 = "1,5", string yesNo = "yes", string level = "Đầy đủ", string percent = "80")
    {
        var view = Ok(await Service(s => s.GetAsync(cycleId, unit, Admin)));
        foreach (var (code, answer) in new[] { ("1.1", points11), ("1.2", yesNo), ("1.3", level), ("2.1", percent) })
        {
            var item = view.Items.First(i => i.Code == code);
            var input = new SelfScoreInput(answer, "Báo cáo CCHC năm 2026 của đơn vị", code == "1.1" ? "Văn bản đang trình ký" : null, [], item.Concurrency ?? Guid.Empty);
            Ok(await Service(s => s.SaveSelfScoreAsync(cycleId, unit, code, input, Admin)));
        }
    }

    public async Task AcceptAllAsync(int cycleId, string unit)
    {
        var view = Ok(await Service(s => s.GetAsync(cycleId, unit, Admin)));
        foreach (var item in view.Items.Where(i => i.CanAppraise))
            Ok(await Service(s => s.AppraiseAsync(cycleId, unit, item.Code, new AppraisalInput(AppraisalVerdict.Accepted, null, null, item.Concurrency ?? Guid.Empty), Admin)));
    }
}

static class Screenshots
{
    /// <summary>A full page from the top (a fixed app bar would otherwise sit in the middle of the picture).</summary>
    public static async Task TakeAsync(IPage page, string name)
    {
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new() { Path = Path(name), FullPage = true });
    }

    /// <summary>artifacts/screenshots under the repository, for a person to look at after a run.</summary>
    public static string Path(string name)
    {
        var folder = System.IO.Path.Combine(Repository ?? System.IO.Path.GetTempPath(), "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        return System.IO.Path.Combine(folder, name);
    }

    /// <summary>The repository the tests run from (the folder of ChiSo.slnx), if they run from one.</summary>
    public static string? Repository
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "ChiSo.slnx"))) dir = dir.Parent;
            return dir?.FullName;
        }
    }
}
