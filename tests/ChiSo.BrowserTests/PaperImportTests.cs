using System.Text;
using ChiSo.Data;
using ChiSo.Tests.Surveys.Collection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

/// <summary>Paper forms typed into a spreadsheet, imported from the round's page: a bad file is refused with its row-by-row
/// report and nothing kept; the corrected file goes in whole and shows as a batch.</summary>
[Collection("browser")]
public sealed class PaperImportTests(BrowserFixture fx)
{
    [Fact]
    public async Task A_bad_paper_file_is_refused_with_its_report_and_the_corrected_one_is_imported_as_a_batch()
    {
        OpenRound round;
        await using (var scope = fx.Services.CreateAsyncScope())
            round = await CollectionBuilder.OpenRoundAsync(scope.ServiceProvider.GetRequiredService<ChiSoDb>(), "sipas", ["citizens"]);
        var codes = round.Form.Questions.Where(q => q.For("citizens")).Select(q => q.Code).ToList();
        string Csv(params Dictionary<string, string?>[] rows) => "Đơn vị,Nhóm," + string.Join(',', codes) + "\n"
            + string.Join("\n", rows.Select(r => $"{round.Unit},citizens," + string.Join(',', codes.Select(c => r.GetValueOrDefault(c) ?? "")))) + "\n";
        FilePayload File(string name, string csv) => new() { Name = name, MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) };
        var good = Enumerable.Range(1, 3).Select(i => CollectionBuilder.ValidAnswers(round.Form, "citizens", i)).ToArray();
        var bad = new Dictionary<string, string?>(good[1]) { ["2.3.1"] = "7" };

        var page = await fx.OpenAsync($"/surveys/rounds/{round.Id}");
        await page.GetByTestId("paper-link").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Nhập phiếu giấy");
        await Assertions.Expect(page.GetByTestId("paper-template")).ToHaveAttributeAsync("href", $"/api/surveys/rounds/{round.Id}/paper/template.xlsx");

        await FileChoice.ChooseAsync(page.GetByTestId("paper-file"), File("lo-1.csv", Csv(good[0], bad, good[2])));
        // The drop area names the file once the page has it: import only then, as a person would.
        await Assertions.Expect(page.GetByTestId("paper-file").GetByTestId("file-chosen")).ToHaveTextAsync("lo-1.csv");
        await page.GetByTestId("paper-import").ClickAsync();
        await Assertions.Expect(page.GetByTestId("paper-refused")).ToContainTextAsync("Tệp bị từ chối, không phiếu nào được ghi: 1 lỗi");
        var row = page.GetByTestId("paper-report").Locator("tbody tr");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator("td").Nth(0)).ToHaveTextAsync("3");
        await Assertions.Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("2.3.1");
        await using (var scope = fx.Services.CreateAsyncScope())
            Assert.False(await scope.ServiceProvider.GetRequiredService<ChiSoDb>().SurveyResponses.AnyAsync(r => r.RoundId == round.Id));

        await FileChoice.ChooseAsync(page.GetByTestId("paper-file"), File("lo-1-da-sua.csv", Csv(good)));
        await Assertions.Expect(page.GetByTestId("paper-file").GetByTestId("file-chosen")).ToHaveTextAsync("lo-1-da-sua.csv");
        await page.GetByTestId("paper-import").ClickAsync();
        await Assertions.Expect(page.GetByTestId("paper-result")).ToContainTextAsync("Đã nhập 3 phiếu giấy");
        await Assertions.Expect(page.GetByTestId("paper-refused")).ToHaveCountAsync(0);
        var batch = page.GetByTestId("paper-batches").Locator("tbody tr");
        await Assertions.Expect(batch).ToHaveCountAsync(1);
        await Assertions.Expect(batch.Locator("td").Nth(1)).ToHaveTextAsync("lo-1-da-sua.csv");
        await Assertions.Expect(batch.Locator("td").Nth(4)).ToHaveTextAsync("3");

        // The quotas fill with the paper forms.
        var progress = await fx.OpenAsync($"/surveys/rounds/{round.Id}/progress");
        await Assertions.Expect(progress.GetByTestId("total")).ToContainTextAsync("3 /");

        // Imported by mistake: withdrawn with a reason, the batch's forms are excluded and stay listed.
        await batch.GetByTestId("batch-withdraw").ClickAsync();
        await page.GetByTestId("withdraw-confirm").ClickAsync();
        await Assertions.Expect(page.GetByTestId("withdraw-error")).ToContainTextAsync("Cần ghi lý do");
        await page.Locator("[data-testid=withdraw-reason] input, input[data-testid=withdraw-reason]").First.FillAsync("Tệp của đợt khác");
        await page.Locator("[data-testid=withdraw-reason] input, input[data-testid=withdraw-reason]").First.PressAsync("Tab");
        await page.GetByTestId("withdraw-confirm").ClickAsync();
        await Assertions.Expect(batch.Locator("td").Nth(6)).ToHaveTextAsync("3");
        await Assertions.Expect(batch.GetByTestId("batch-withdraw")).ToHaveCountAsync(0);
        // Excluded forms do not fill a quota; the progress page shows it within its one-second refresh.
        await Assertions.Expect(progress.GetByTestId("total")).ToContainTextAsync("0 /");
        await using (var scope = fx.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
            var audit = await db.Audit.SingleAsync(a => a.Subject == $"survey-round:{round.Id}" && a.Field.StartsWith("paper-batch:"));
            Assert.Equal("Tệp của đợt khác", audit.Reason);
            Assert.Contains(BrowserFixture.AdminUser, audit.User);
        }
    }
}
