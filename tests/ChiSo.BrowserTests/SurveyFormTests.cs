using ChiSo.Features.Surveys;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

/// <summary>The public SIPAS form in Chromium: a database and app of its own (the round is made here), the shared browser.</summary>
[Collection("browser")]
public sealed class SurveyFormTests(BrowserFixture fx)
{
    [Fact]
    public async Task A_citizen_answers_the_SIPAS_form_once_per_dossier()
    {
        await using var database = await TestDatabase.CreateAsync(Provider.Sqlite);
        CollectionForm form;
        string unit;
        await using (var db = database.NewContext())
        {
            var today = Rounds.Today(TimeProvider.System);
            var u = await db.Units.FirstAsync(x => x.Code != "HN");
            var r = new SurveyRound
            {
                Year = today.Year, Name = "SIPAS thử", QuestionnaireId = (await db.Questionnaires.FirstAsync(q => q.Key == "sipas")).Id,
                OpensOn = today.AddDays(-1), ClosesOn = today.AddDays(10), Status = RoundStatus.Open,
                Quotas = [new RoundQuota { UnitId = u.Id, Group = "citizens", Target = 5 }],
            };
            db.SurveyRounds.Add(r);
            await db.SaveChangesAsync();
            form = (await CollectionForms.LoadAsync(db, r.Id))!;
            unit = u.Code;
        }
        await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Database:Provider", "sqlite");
            b.UseSetting("ConnectionStrings:ChiSo", database.ConnectionString);
            b.UseSetting("Database:MigrateOnStartup", "false");
            b.UseSetting(ChiSo.Data.ServerSecret.Setting, TestDatabase.ServerSecret);
            // A free port of its own: the shared fixture's app is already serving in this process.
            b.UseUrls("http://127.0.0.1:0");
        });
        app.UseKestrel(0);
        app.StartServer();
        var baseUrl = app.ClientOptions.BaseAddress.ToString().TrimEnd('/');

        var context = await fx.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "vi-VN" });
        var page = await context.NewPageAsync();
        var url = $"{baseUrl}/khao-sat/{form.RoundId}/{unit}?g=citizens&d=HS-2024-0001";
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("SIPAS");

        // The skip rule hides 2.1.4 once A8 is answered "Không", and shows it again for "Có".
        await page.Locator("#q-A8").GetByLabel("Không").CheckAsync();
        await Assertions.Expect(page.Locator("#q-2\\.1\\.4")).ToBeHiddenAsync();
        await page.Locator("#q-A8").GetByLabel("Có").CheckAsync();
        await Assertions.Expect(page.Locator("#q-2\\.1\\.4")).ToBeVisibleAsync();
        await page.Locator("#q-2\\.5\\.1").GetByLabel("Có").CheckAsync();
        await page.Locator("#i-A7").FillAsync("Bộ phận một cửa phường");

        // Submitting with the scales unanswered: the form returns with messages next to the questions, answers kept.
        await page.GetByRole(AriaRole.Button, new() { Name = "Gửi phiếu" }).ClickAsync();
        await Assertions.Expect(page.Locator("#e-1\\.1\\.1")).ToHaveTextAsync("Xin trả lời câu này.");
        await Assertions.Expect(page.Locator("#i-A7")).ToHaveValueAsync("Bộ phận một cửa phường");

        var labels = new[] { "Hài lòng", "Rất hài lòng", "Bình thường" };
        var i = 0;
        foreach (var q in form.Questions.Where(q => q.IsScale && q.For("citizens")))
        {
            var group = page.Locator($"#q-{q.Code.Replace(".", "\\.")}");
            var label = q.Type == QuestionType.Scale5 ? labels[i++ % 3] : "Đồng ý";
            await group.GetByLabel(label, new() { Exact = true }).CheckAsync();
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Gửi phiếu" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Cảm ơn");

        // The same dossier again: refused.
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Hồ sơ đã được đánh giá");
        await context.CloseAsync();
    }
}
