using System.Text.RegularExpressions;
using ChiSo;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Features.Frameworks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static ChiSo.BrowserTests.AssessmentTests;
using static Microsoft.Playwright.Assertions;

namespace ChiSo.BrowserTests;

/// <summary>Issue 11's walk: the demo cycle (`./chiso demo`) on the seeded database, then one department and one ward
/// through every step in the real pages, each step by the demo account of the role that does it, signed in through the
/// login page with the password the demo printed: self-assessment → appraisal → explanation → council → survey points
/// from the round → ranking → publication, and the public ranking showing the totals the database holds.</summary>
[Collection("browser")]
public sealed class DemoWalkTests(BrowserFixture fx)
{
    [Fact]
    public async Task The_demo_cycle_walks_one_department_and_one_ward_from_self_assessment_to_the_public_ranking()
    {
        // The demo's self-assessment closes on 22/12 of its year: after that day the walk takes the next year's cycle.
        var today = ViText.Day(DateTime.UtcNow);
        var year = today > new DateOnly(today.Year, 12, 22) ? today.Year + 1 : today.Year;
        var demo = await Scoped(sp => DemoCycle.BuildAsync(sp.GetRequiredService<ChiSoDb>(), sp.GetRequiredService<UserAccounts>(), TimeProvider.System, year, AssessmentSetup.Admin));
        Assert.True(demo.Ok, demo.Error);
        var report = demo.Value;
        var cycle = report.CycleId;
        string Password(string user) => report.Accounts.Single(a => a.UserName == user).Password
            ?? throw new InvalidOperationException($"Tài khoản {user} đã có trước: mật khẩu không được in lại.");
        var department = report.Accounts.Single(a => a.UserName == "demo.so").Unit!;
        var ward = report.Accounts.Single(a => a.UserName == "demo.phuong").Unit!;

        var walked = new[] { (Unit: department, Editor: "demo.so", Head: "demo.so.truong"), (Unit: ward, Editor: "demo.phuong", Head: "demo.phuong.truong") };
        var adjustedCode = new Dictionary<string, string>();
        foreach (var (unit, editor, head) in walked)
        {
            // The form has some thirty criteria: the editor answers one of them on the page (score, evidence), the rest
            // go through the same service call the page's Save makes, as that editor.
            var view = await Service(s => s.GetAsync(cycle, unit, AssessmentSetup.Admin));
            var onPage = view.Items.First(i => i.IsLeaf && i.Method == ScoringMethod.Appraisal && i.AnswerType == AnswerType.Points && i.Kind == CriterionKind.Standard && i.Max >= 1);
            adjustedCode[unit] = onPage.Code;
            var editorActor = await ActorOfAsync(editor);
            foreach (var item in view.Items.Where(i => i.IsLeaf && i.Method == ScoringMethod.Appraisal && i.Code != onPage.Code))
            {
                var answer = item.AnswerType switch
                {
                    AnswerType.YesNo => Answers.Yes,
                    AnswerType.Levels => item.Levels[0].Label,
                    AnswerType.Percent => "90",
                    _ => item.Kind == CriterionKind.Standard ? ViText.Num(item.Max) : "0",
                };
                var input = new SelfScoreInput(answer, "Báo cáo CCHC năm của đơn vị", "Hồ sơ lưu tại đơn vị", [], item.Concurrency ?? Guid.Empty);
                await Service(s => s.SaveSelfScoreAsync(cycle, unit, item.Code, input, editorActor));
            }

            var page = await SignedInAsync(editor, Password(editor), $"/danh-gia/{cycle}/don-vi/{unit}");
            var card = Card(page, onPage.Code);
            await Type(Input(card, "answer"), ViText.Num(onPage.Max));
            // Evidence beside the criterion: uploaded from its card, linked to it, stored with the one save of the page.
            await card.GetByTestId("attach").ClickAsync();
            var form = card.GetByTestId("evidence-form");
            await FileChoice.ChooseAsync(form.GetByTestId("evidence-file"), new FilePayload { Name = "bao-cao-cchc.pdf", MimeType = "application/pdf", Buffer = AssessmentTests.TinyPdf() });
            await Expect(form.GetByTestId("file-chosen")).ToHaveTextAsync("bao-cao-cchc.pdf");
            await Type(Input(form, "evidence-title"), $"Báo cáo CCHC năm {year}");
            await form.GetByTestId("evidence-upload").ClickAsync();
            await Expect(page.GetByTestId("evidence-list")).ToContainTextAsync($"Báo cáo CCHC năm {year}");
            await page.GetByTestId("save-all").ClickAsync();
            await Expect(card.GetByTestId("item-saved")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=evidence-list] tr[data-evidence]").First).ToContainTextAsync(onPage.Code);
            await Expect(page.GetByTestId("progress-text")).ToHaveTextAsync($"{view.Progress.Criteria}/{view.Progress.Criteria}");
            await Expect(page.GetByTestId("submit")).ToHaveCountAsync(0); // only the unit's head sends
            await page.Context.CloseAsync();

            page = await SignedInAsync(head, Password(head), $"/danh-gia/{cycle}/don-vi/{unit}");
            await page.GetByTestId("submit").ClickAsync();
            await page.GetByTestId("confirm-yes").ClickAsync();
            await Expect(page.GetByTestId("unit-done")).ToContainTextAsync("Đã gửi bản tự đánh giá");
            await page.Context.CloseAsync();

            // The appraiser: from the queue, accepts one criterion, adjusts the one answered on the page, accepts the rest.
            page = await SignedInAsync("demo.thamdinh", Password("demo.thamdinh"), "/tham-dinh");
            await page.Locator($"[data-testid=queue] tr[data-unit='{unit}'] [data-testid=queue-unit]").ClickAsync();
            await Expect(page.GetByTestId("appraiser-mode")).ToBeVisibleAsync();
            var accepted = view.Items.First(i => i.IsLeaf && i.Method == ScoringMethod.Appraisal && i.AnswerType == AnswerType.YesNo);
            await Card(page, accepted.Code).GetByTestId("accept").ClickAsync();
            await Expect(Card(page, accepted.Code).GetByTestId("verdict")).ToContainTextAsync("công nhận");
            card = Card(page, onPage.Code);
            await card.GetByTestId("adjust").ClickAsync();
            await Type(Input(card, "adjust-points"), ViText.Num(onPage.Max - 0.5m));
            await Type(Input(card, "adjust-reason"), "Tài liệu kiểm chứng chưa thể hiện đủ nội dung");
            await card.GetByTestId("adjust-save").ClickAsync();
            await Expect(card.GetByTestId("verdict")).ToContainTextAsync($"điều chỉnh còn {ViText.Num(onPage.Max - 0.5m)} điểm");
            await page.GetByTestId("accept-rest").ClickAsync();
            await Expect(page.GetByTestId("progress")).ToContainTextAsync($"Đã thẩm định {view.Progress.Criteria}/{view.Progress.Criteria}", new() { Timeout = 60_000 });
            await page.GetByTestId("send-appraisal").ClickAsync();
            await Expect(page.GetByTestId("unit-done")).ToContainTextAsync("Đã gửi kết quả thẩm định");
            await page.Context.CloseAsync();

            page = await SignedInAsync(editor, Password(editor), $"/danh-gia/{cycle}/don-vi/{unit}");
            card = Card(page, onPage.Code);
            await Type(Input(card, "explanation"), "Đơn vị bổ sung phụ lục của báo cáo");
            await card.GetByTestId("explain-save").ClickAsync();
            await Expect(card.GetByTestId("explanation-saved")).ToContainTextAsync("Đơn vị bổ sung phụ lục của báo cáo");
            await page.Context.CloseAsync();

            page = await SignedInAsync(head, Password(head), $"/danh-gia/{cycle}/don-vi/{unit}");
            await page.GetByTestId("finish-explanation").ClickAsync();
            await Expect(page.GetByTestId("unit-done")).ToContainTextAsync("Đã gửi giải trình");
            await Expect(page.GetByTestId("stage").First).ToHaveTextAsync("Đã giải trình");
            await page.Context.CloseAsync();
        }

        // The demo brought every other unit past its explanation, so the council can meet now. The walked units' survey
        // points are cleared, so that the page's control must fetch them from the round again.
        var walkedIds = await Scoped(async sp => await sp.GetRequiredService<ChiSoDb>().Units.Where(u => u.Code == department || u.Code == ward).Select(u => u.Id).ToListAsync());
        await Scoped(async sp =>
        {
            var db = sp.GetRequiredService<ChiSoDb>();
            return await db.AssessmentItems.Where(i => db.CycleUnits.Any(u => u.Id == i.CycleUnitId && u.CycleId == cycle && walkedIds.Contains(u.UnitId)))
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.SurveyPoints, (decimal?)null));
        });

        var admin = await fx.OpenAsync($"/danh-gia/{cycle}");
        await Type(Input(admin.Locator("body"), "council-reference"), $"01/BB-HĐTĐ-{year}");
        await Type(Input(admin.Locator("body"), "council-members"), "9");
        await Type(Input(admin.Locator("body"), "council-present"), "7");
        await admin.GetByTestId("council-finalise").ClickAsync();
        await Expect(admin.GetByTestId("council-done")).ToContainTextAsync("7/9");
        await admin.GetByTestId("survey-round").ClickAsync();
        await admin.GetByRole(AriaRole.Option, new() { NameRegex = new Regex(Regex.Escape(report.RoundName)) }).ClickAsync();
        await admin.GetByTestId("survey-from-round").ClickAsync();
        await Expect(admin.GetByTestId("cycle-done")).ToContainTextAsync("Đã nhập điểm điều tra");
        var missing = await Scoped(async sp =>
        {
            var db = sp.GetRequiredService<ChiSoDb>();
            return await db.AssessmentItems.CountAsync(i => i.SurveyPoints == null && i.Criterion!.Method == ScoringMethod.Survey
                && db.CycleUnits.Any(u => u.Id == i.CycleUnitId && u.CycleId == cycle));
        });
        Assert.Equal(0, missing);

        // The leader reads the provisional ranking, with both units and the adjusted points counted.
        var leader = await SignedInAsync("demo.lanhdao", Password("demo.lanhdao"), $"/danh-gia/{cycle}/xep-hang");
        await Expect(leader.GetByTestId("provisional")).ToHaveTextAsync("TẠM TÍNH");
        var provisional = await Service(s => s.RankingAsync(cycle, AssessmentSetup.Admin));
        foreach (var (unit, _, _) in walked)
        {
            var row = provisional.Groups.SelectMany(g => g.Rows).Single(r => r.UnitCode == unit);
            await Expect(leader.Locator($"tr[data-unit='{unit}']")).ToContainTextAsync($"{ViText.Num(row.Totals.Total)} / {ViText.Num(row.Totals.Max)}");
        }
        await leader.Context.CloseAsync();

        await admin.GetByTestId("cycle-publish").ClickAsync();
        await admin.GetByTestId("confirm-yes").ClickAsync();
        await Expect(admin.GetByTestId("cycle-done")).ToContainTextAsync("Đã công bố");
        await admin.Context.CloseAsync();

        var published = await Scoped(async sp => await sp.GetRequiredService<ChiSoDb>().Results.AsNoTracking()
            .Where(r => r.Year == year && walkedIds.Contains(r.UnitId) && r.Source!.StartsWith(report.CycleName))
            .Select(r => new { r.Unit!.Code, r.Total, r.Rank, r.RankOf }).ToListAsync());
        Assert.Equal(2, published.Count);
        var visitor = await (await fx.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "vi-VN" })).NewPageAsync();
        await visitor.GotoAsync($"{fx.BaseUrl}/xep-hang/{cycle}");
        foreach (var r in published)
        {
            var row = visitor.Locator($"[data-testid=ranking] tr[data-unit='{r.Code}']");
            await Expect(row).ToContainTextAsync(ViText.Num(r.Total) + " / ");
            await Expect(row.GetByTestId("rank")).ToContainTextAsync(Convert.ToString(r.Rank, System.Globalization.CultureInfo.InvariantCulture)!);
        }
        await Screenshots.TakeAsync(visitor, "demo-public-ranking.png");
        await visitor.Context.CloseAsync();

        // The adjustment and the explanation are the walked units' own, in the published record.
        var items = await Scoped(async sp =>
        {
            var db = sp.GetRequiredService<ChiSoDb>();
            return await db.AssessmentItems.AsNoTracking().Where(i => i.Verdict == AppraisalVerdict.Adjusted)
                .Join(db.CycleUnits.Where(u => u.CycleId == cycle && walkedIds.Contains(u.UnitId)), i => i.CycleUnitId, u => u.Id, (i, u) => new { u.Unit!.Code, Criterion = i.Criterion!.Code, i.Explanation })
                .ToListAsync();
        });
        Assert.Equal(walked.Select(w => (w.Unit, adjustedCode[w.Unit])).Order(), items.Select(i => (i.Code, i.Criterion)).Order());
        Assert.All(items, i => Assert.Equal("Đơn vị bổ sung phụ lục của báo cáo", i.Explanation));
    }

    /// <summary>A fresh browser signed in through the login page, then on <paramref name="path"/> with its circuit up.</summary>
    async Task<IPage> SignedInAsync(string user, string password, string path)
    {
        var context = await fx.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "vi-VN" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(fx.BaseUrl + "/dang-nhap");
        await BrowserFixture.SignInAsync(page, user, password);
        await page.WaitForURLAsync(url => !url.Contains("/dang-nhap", StringComparison.Ordinal));
        await page.GotoAsync(fx.BaseUrl + path);
        await page.Locator("[data-testid=interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        return page;
    }

    async Task<Actor> ActorOfAsync(string userName) => await Scoped(async sp =>
    {
        var user = await sp.GetRequiredService<ChiSoDb>().Users.AsNoTracking().SingleAsync(u => u.UserName == userName);
        return new Actor(user.Id, $"{user.DisplayName} ({userName})", new HashSet<string> { Roles.UnitEditor }, user.UnitId);
    });

    async Task<T> Scoped<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = fx.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    async Task<T> Service<T>(Func<AssessmentService, Task<Outcome<T>>> work) =>
        AssessmentSetup.Ok(await Scoped(sp => work(sp.GetRequiredService<AssessmentService>())));
}
