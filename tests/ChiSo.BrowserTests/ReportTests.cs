using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

[Collection("browser")]
public sealed class ReportTests(BrowserFixture fx)
{
    [Fact]
    public async Task A_unit_files_its_Q1_report_and_the_dashboard_shows_it_submitted()
    {
        var page = await fx.OpenAsync("/reports/Q-TAYHO/2024/Q1");
        await Assertions.Expect(page.GetByTestId("report-status")).ToContainTextAsync("Chưa lập báo cáo");

        await page.Locator("[data-testid=section-institutions] textarea").FillAsync("Quận đã rà soát 15 văn bản quy phạm pháp luật.");
        await page.GetByTestId("submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("report-status")).ToContainTextAsync("Đã gửi");

        var dashboard = await fx.OpenAsync("/reports?y=2024&p=Q1");
        await Assertions.Expect(dashboard.Locator("tr[data-code='Q-TAYHO'] [data-testid=status]")).ToContainTextAsync("Đã gửi");
        var href = await dashboard.GetByTestId("download-docx").GetAttributeAsync("href");
        Assert.Equal("/api/reports/consolidated.docx?year=2024&period=Q1", href);
        var docx = await dashboard.APIRequest.GetAsync(fx.BaseUrl + href);
        Assert.Equal(200, docx.Status);
        Assert.Equal("/api/reports/consolidated.xlsx?year=2024&period=Q1", await dashboard.GetByTestId("download-xlsx").GetAttributeAsync("href"));
    }
}
