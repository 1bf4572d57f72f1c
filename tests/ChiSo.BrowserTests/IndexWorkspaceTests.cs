using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

[Collection("browser")]
public sealed class IndexWorkspaceTests(BrowserFixture fx)
{
    [Fact]
    public async Task Overview_shows_PAR_2023_in_Vietnamese_then_PAPI_after_picking_it()
    {
        var page = await fx.OpenAsync("/overview");
        await Assertions.Expect(page.GetByTestId("headline-result")).ToHaveTextAsync("91,43");
        await Assertions.Expect(page.Locator("tr[data-code='8.1'] td").Nth(3)).ToHaveTextAsync("8,37");

        await page.GetByTestId("pick-framework").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Chỉ số Hiệu quả quản trị và hành chính công cấp tỉnh (PAPI)" }).ClickAsync();
        // A newly picked index opens on its latest year.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("f=papi&y=2024"));
        await Assertions.Expect(page.GetByTestId("headline-result")).ToHaveTextAsync("43,7");

        await page.GetByTestId("pick-year").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "2023" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("headline-result")).ToHaveTextAsync("43,9603");
        await Assertions.Expect(page.GetByTestId("inconsistencies")).ToContainTextAsync("9,99");
    }

    [Fact]
    public async Task English_switch_changes_text_and_number_format()
    {
        var page = await fx.OpenAsync("/overview");
        await page.GetByTestId("lang-en").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Index overview" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("headline-result")).ToHaveTextAsync("91.43");
        await page.GetByTestId("lang-vi").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Tổng quan chỉ số" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Gaps_page_lists_lead_agencies_and_points_lost()
    {
        var page = await fx.OpenAsync("/gaps?f=par-province&y=2023");
        await Assertions.Expect(page.GetByTestId("points-lost")).ToHaveTextAsync("8,57");
        await Assertions.Expect(page.GetByTestId("by-lead")).ToContainTextAsync("Sở Nội vụ");
        await Assertions.Expect(page.Locator("figure.chart.bars")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Units_page_shows_the_2025_merges()
    {
        var page = await fx.OpenAsync("/units");
        var row = page.Locator("tr[data-code='SLDTBXH']");
        await Assertions.Expect(row).ToContainTextAsync("28/02/2025");
        await Assertions.Expect(row).ToContainTextAsync("SNV");
    }

    [Fact]
    public async Task A_broken_Excel_file_is_refused_with_its_problems_listed()
    {
        var page = await fx.OpenAsync("/import");
        var path = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.xlsx");
        await File.WriteAllTextAsync(path, "not a spreadsheet");
        try
        {
            await FileChoice.ChooseAsync(page.GetByTestId("import-file"), path);
            await Assertions.Expect(page.GetByTestId("import-result")).ToContainTextAsync("bị từ chối");
        }
        finally { File.Delete(path); }
    }
}

[Collection("browser")]
public sealed class ScoreEditTests(BrowserFixture fx)
{
    [Fact]
    public async Task A_score_edit_needs_a_reason_and_lands_in_the_change_log()
    {
        var page = await fx.OpenAsync("/overview?f=par-province&y=2023");
        await page.Locator("tr[data-code='1.6'] a.edit-score").ClickAsync();
        var value = page.GetByTestId("score-editor").Locator("input").First;
        await value.FillAsync("0,5");
        await page.GetByTestId("score-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("score-error")).ToContainTextAsync("lý do");
        await Assertions.Expect(page.Locator("tr[data-code='1.6'] a.edit-score")).ToHaveTextAsync("1");

        await page.GetByTestId("score-editor").Locator("input").Nth(1).FillAsync("Kiểm tra sửa điểm");
        await page.GetByTestId("score-save").ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-code='1.6'] a.edit-score")).ToHaveTextAsync("0,5");

        var audit = await fx.OpenAsync("/audit");
        await Assertions.Expect(audit.GetByTestId("audit")).ToContainTextAsync("Kiểm tra sửa điểm");
        await audit.GetByTestId("audit-verify").ClickAsync();
        await Assertions.Expect(audit.GetByTestId("audit-verify-result")).ToContainTextAsync("Chuỗi nhật ký nguyên vẹn");
    }
}
