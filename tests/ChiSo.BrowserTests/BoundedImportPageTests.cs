using System.Text;
using ChiSo.Data;
using ChiSo.Tests.Infrastructure;
using ChiSo.Tests.Surveys.Collection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

/// <summary>The pages' file inputs hold the imports' limits: a zip bomb and a file past its size are refused with the
/// Vietnamese message the API gives, and a paper file saved on a Mac (NFD) imports from the page.</summary>
[Collection("browser")]
public sealed class BoundedImportPageTests(BrowserFixture fx)
{
    [Fact]
    public async Task The_paper_page_refuses_a_zip_bomb_and_imports_a_file_saved_on_a_Mac()
    {
        OpenRound round;
        await using (var scope = fx.Services.CreateAsyncScope())
            round = await CollectionBuilder.OpenRoundAsync(scope.ServiceProvider.GetRequiredService<ChiSoDb>(), "sipas", ["citizens"]);
        var page = await fx.OpenAsync($"/surveys/rounds/{round.Id}/paper");

        await FileChoice.ChooseAsync(page.GetByTestId("paper-file"), new FilePayload { Name = "bom.xlsx", MimeType = "application/octet-stream", Buffer = BadFiles.ZipBomb() });
        await page.GetByTestId("paper-import").ClickAsync();
        await Assertions.Expect(page.GetByTestId("paper-error")).ToContainTextAsync("tệp bị từ chối trước khi đọc");

        var codes = round.Form.Questions.Where(q => q.For("citizens")).Select(q => q.Code).ToList();
        var forms = Enumerable.Range(1, 2).Select(i => CollectionBuilder.ValidAnswers(round.Form, "citizens", i));
        var csv = ("Đơn vị,Nhóm," + string.Join(',', codes) + "\n"
            + string.Join("\n", forms.Select(f => $"{round.Unit},citizens," + string.Join(',', codes.Select(c => f.GetValueOrDefault(c) ?? ""))))).Normalize(NormalizationForm.FormD);
        await FileChoice.ChooseAsync(page.GetByTestId("paper-file"), new FilePayload { Name = "phieu-mac.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await page.GetByTestId("paper-import").ClickAsync();
        await Assertions.Expect(page.GetByTestId("paper-result")).ToContainTextAsync("Đã nhập 2 phiếu giấy");
    }

    [Fact]
    public async Task The_questionnaire_page_refuses_a_file_past_its_size_before_reading_it()
    {
        var page = await fx.OpenAsync("/surveys/questionnaires");
        await FileChoice.ChooseAsync(page.GetByTestId("questionnaire-file"), new FilePayload
        {
            Name = "lon.xlsx", MimeType = "application/octet-stream", Buffer = new byte[6 * 1024 * 1024],
        });
        await Assertions.Expect(page.GetByTestId("questionnaire-result")).ToContainTextAsync("lớn hơn 5 MB");
    }
}
