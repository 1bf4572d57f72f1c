using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

/// <summary>Editing a framework's tree in the back office: change a max, see the field stop adding up, add a child,
/// delete it, and put the max back.</summary>
[Collection("browser")]
public sealed class FrameworkEditorTests(BrowserFixture fx)
{
    // MudBlazor puts a text field's attributes on its input.
    static ILocator Input(IPage page, string testId) => page.Locator($"[data-testid={testId}] input, input[data-testid={testId}]").First;

    static async Task FillAsync(IPage page, string testId, string value)
    {
        await Input(page, testId).FillAsync(value);
        await Input(page, testId).PressAsync("Tab");
    }

    [Fact]
    public async Task A_criterion_is_changed_added_and_deleted_with_a_warning_while_the_field_does_not_add_up()
    {
        var page = await fx.OpenAsync("/import");
        await page.GetByTestId("edit-city-par-communes-2025").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/khung-chi-so/city-par-communes/2025/sua$"));
        await page.Locator("[data-testid=interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Chỉ số CCHC UBND cấp xã (MẪU)");
        var tree = page.GetByTestId("editor-tree");
        await Assertions.Expect(tree.Locator("tr[data-code='3.5.1']")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("sum-warnings")).ToHaveCountAsync(0);

        await tree.Locator("tr[data-code='8.3']").ClickAsync();
        await Assertions.Expect(Input(page, "field-levels")).ToHaveValueAsync("Tốt=6; Khá=4; Trung bình=2; Yếu=0");
        await FillAsync(page, "field-max", "7");
        await page.GetByTestId("criterion-save").ClickAsync();
        var warning = page.GetByTestId("sum-warnings").Locator("[data-code='8']");
        await Assertions.Expect(warning).ToContainTextAsync("cộng 19");
        await Assertions.Expect(tree.Locator("tr[data-code='8']")).ToHaveClassAsync(new Regex("weak"));

        // A level worth more than the max is refused in Vietnamese; nothing changes.
        await FillAsync(page, "field-max", "5");
        await page.GetByTestId("criterion-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("editor-error")).ToContainTextAsync("Mức 'Tốt' có 6 điểm, ngoài khoảng 0–5.");

        await tree.Locator("tr[data-code='8']").ClickAsync();
        await page.GetByTestId("criterion-add-child").ClickAsync();
        await Assertions.Expect(Input(page, "field-code")).ToHaveValueAsync("8.4");
        await FillAsync(page, "field-name", "Tiêu chí thử trên trình duyệt");
        await FillAsync(page, "field-max", "1");
        await page.GetByTestId("criterion-save").ClickAsync();
        await Assertions.Expect(tree.Locator("tr[data-code='8.4']")).ToContainTextAsync("Tiêu chí thử trên trình duyệt");
        await Assertions.Expect(warning).ToContainTextAsync("cộng 20");

        await page.GetByTestId("criterion-delete").ClickAsync();
        await Assertions.Expect(tree.Locator("tr[data-code='8.4']")).ToHaveCountAsync(0);
        await tree.Locator("tr[data-code='8.3']").ClickAsync();
        await FillAsync(page, "field-max", "6");
        await page.GetByTestId("criterion-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("sum-warnings")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_standing_agency_sets_a_criterion_s_leads_for_a_year_and_a_leader_reads_them()
    {
        var key = await new AssessmentSetup(fx).FrameworkAsync();
        var page = await fx.OpenAsync($"/khung-chi-so/{key}/V1/sua");
        await Assertions.Expect(page.GetByTestId("year-leads-none")).ToBeVisibleAsync();
        await page.GetByTestId("editor-tree").Locator("tr[data-code='1.1']").ClickAsync();
        await FillAsync(page, "year-lead-year", "2023");
        await FillAsync(page, "year-lead-leads", "Sở Không Có Thật");
        await page.GetByTestId("year-lead-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("editor-error")).ToContainTextAsync("Không tìm thấy đơn vị chủ trì 'Sở Không Có Thật'");

        await FillAsync(page, "year-lead-leads", "Sở Tư pháp; Sở Nội vụ (cải cách tổ chức bộ máy)");
        await FillAsync(page, "year-lead-source", "Kế hoạch thử 2023");
        await page.GetByTestId("year-lead-save").ClickAsync();
        var row = page.Locator("[data-testid=year-leads] tr[data-code='1.1'][data-year='2023']");
        await Assertions.Expect(row).ToContainTextAsync("Sở Tư pháp; Sở Nội vụ (cải cách tổ chức bộ máy)");
        await Assertions.Expect(row).ToContainTextAsync("Kế hoạch thử 2023");
        await Assertions.Expect(page.GetByTestId("year-lead-chip")).ToContainTextAsync("2023: Sở Tư pháp");
        await page.Context.CloseAsync();

        var leader = await fx.OpenAsync($"/khung-chi-so/{key}/V1/sua",
            c => TestSignIn.SignInAsync(c, fx, "lanhdao-leads", "Lãnh đạo thử", null, ChiSo.Features.Accounts.Roles.Leader));
        await Assertions.Expect(leader.Locator("[data-testid=year-leads] tr[data-code='1.1'][data-year='2023']")).ToContainTextAsync("Sở Tư pháp");
        await Assertions.Expect(leader.GetByTestId("year-lead-save")).ToHaveCountAsync(0);
        await Assertions.Expect(leader.Locator("[data-action]")).ToHaveCountAsync(0);
        await leader.Context.CloseAsync();
    }
}
