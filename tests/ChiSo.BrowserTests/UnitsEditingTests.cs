using ChiSo.Features.Accounts;
using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

/// <summary>/units as the standing agency edits it (add a unit, give it an ended district's waiting task) and as a
/// leader reads it (no editing control).</summary>
[Collection("browser")]
public sealed class UnitsEditingTests(BrowserFixture fx)
{
    static ILocator Field(IPage page, string name) => page.Locator($"[data-field={name}] input, input[data-field={name}]").First;

    /// <summary>Types into a unit picker (by name or code, diacritics optional) and clicks the unit offered with that code.</summary>
    internal static async Task PickUnitAsync(ILocator picker, string typed, string code)
    {
        await picker.Locator("input").First.FillAsync(typed);
        await picker.Page.Locator(".mud-popover-open .mud-list-item", new() { HasText = $"({code})" }).First.ClickAsync();
        await Assertions.Expect(picker.GetByTestId("chip").Filter(new() { HasText = $"({code})" })).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task The_standing_agency_adds_a_unit_and_assigns_it_a_waiting_task()
    {
        var code = "XTHU" + Guid.NewGuid().ToString("N")[..4].ToUpperInvariant();
        var page = await fx.OpenAsync("/units");

        await page.GetByText("Thêm đơn vị").ClickAsync();
        await Field(page, "add-code").FillAsync(code);
        await Field(page, "add-name").FillAsync("Xã Thử Trình Duyệt " + code);
        await page.Locator("[data-action=unit-add]").ClickAsync();
        await Assertions.Expect(page.Locator($"tr[data-code='{code}']")).ToContainTextAsync("Xã Thử Trình Duyệt");
        await Assertions.Expect(page.Locator($"tr[data-code='{code}'] [data-subkind]")).ToHaveCountAsync(0);

        var waiting = page.GetByTestId("waiting");
        var first = waiting.Locator("tbody tr").First;
        var task = await first.GetAttributeAsync("data-task");
        var from = await first.GetAttributeAsync("data-unit");
        await PickUnitAsync(first.GetByTestId("handover-to"), code, code);
        await first.Locator("[data-action=handover-assign]").ClickAsync();
        await Assertions.Expect(waiting.Locator($"tr[data-task='{task}'][data-unit='{from}']")).ToHaveCountAsync(0);

        // A ward of 2025 shows what it is.
        await Assertions.Expect(page.Locator("tr[data-code='00070'] [data-subkind=ward]")).ToHaveTextAsync("Phường");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_standing_agency_assigns_the_rows_it_ticks_at_once_and_then_everything_left_at_one_district()
    {
        var page = await fx.OpenAsync("/units");
        var waiting = page.GetByTestId("waiting");
        var rows = waiting.Locator("tbody tr");
        // Two rows of different districts; a department that ended in 2025 is not offered, the ward that exists is.
        var last = rows.Last;
        var district = (await last.GetAttributeAsync("data-unit"))!;
        var other = waiting.Locator($"tbody tr:not([data-unit='{district}'])").Last;
        var picked = new[] { (await last.GetAttributeAsync("data-task"), district), (await other.GetAttributeAsync("data-task"), await other.GetAttributeAsync("data-unit")) };
        await last.GetByTestId("handover-select").CheckAsync();
        await other.GetByTestId("handover-select").CheckAsync();
        await Assertions.Expect(page.GetByTestId("handover-bulk")).ToContainTextAsync("Đã chọn 2 phần việc");
        await page.Locator("[data-testid=handover-selected-to] input").First.FillAsync("STNMT");
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "(STNMT)" })).ToHaveCountAsync(0);
        foreach (var (task, unit) in picked) await Assertions.Expect(waiting.Locator($"tr[data-task='{task}'][data-unit='{unit}']")).ToHaveCountAsync(1);

        await PickUnitAsync(page.GetByTestId("handover-selected-to"), "phuong ba dinh", "00004");
        await page.Locator("[data-action=handover-assign-many]").ClickAsync();
        await Assertions.Expect(page.GetByTestId("handover-done")).ToHaveTextAsync("Đã giao 2 phần việc.");
        foreach (var (task, unit) in picked) await Assertions.Expect(waiting.Locator($"tr[data-task='{task}'][data-unit='{unit}']")).ToHaveCountAsync(0);

        // Everything still waiting at the first district, by the unit: the list has none of its rows left.
        await page.GetByTestId("handover-all-from").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { NameRegex = new System.Text.RegularExpressions.Regex("^" + district + " ") }).ClickAsync();
        await PickUnitAsync(page.GetByTestId("handover-all-to"), "00004", "00004");
        await page.Locator("[data-action=handover-assign-all]").ClickAsync();
        await Assertions.Expect(page.GetByTestId("handover-done")).ToContainTextAsync("Đã giao");
        await Assertions.Expect(waiting.Locator($"tr[data-unit='{district}']")).ToHaveCountAsync(0);

        // "Select all shown" ticks every row on the page.
        await page.GetByTestId("handover-select-all").CheckAsync();
        var shown = await rows.CountAsync();
        await Assertions.Expect(page.GetByTestId("handover-bulk")).ToContainTextAsync($"Đã chọn {shown} phần việc");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Units_are_picked_by_name_among_those_existing_on_the_forms_day()
    {
        var code = "XDOI" + Guid.NewGuid().ToString("N")[..4].ToUpperInvariant();
        var page = await fx.OpenAsync("/units");
        await page.GetByText("Thêm đơn vị").ClickAsync();
        await Field(page, "add-code").FillAsync(code);
        await Field(page, "add-name").FillAsync("Xã Đổi Tên " + code);
        // The parent is the city unless another is picked.
        await Assertions.Expect(page.GetByTestId("add-parent").GetByTestId("chip")).ToContainTextAsync("(HN)");
        await page.Locator("[data-action=unit-add]").ClickAsync();
        await Assertions.Expect(page.Locator($"tr[data-code='{code}']")).ToContainTextAsync("Xã Đổi Tên");

        // Renamed through the picker, found without diacritics.
        await page.GetByText("Đổi tên", new() { Exact = true }).First.ClickAsync();
        await PickUnitAsync(page.GetByTestId("rename-unit"), "xa doi ten " + code.ToLowerInvariant(), code);
        await Field(page, "rename-name").FillAsync("Xã Đã Đổi Tên " + code);
        await page.Locator("[data-action=unit-rename]").ClickAsync();
        await Assertions.Expect(page.Locator($"tr[data-code='{code}']")).ToContainTextAsync("Xã Đã Đổi Tên");

        // Ending a unit today: a department that ended in 2025 is not offered, one that exists is.
        await page.GetByText("Kết thúc, sáp nhập, chia tách").ClickAsync();
        var end = page.GetByTestId("end-unit");
        await end.Locator("input").First.FillAsync("tai nguyen va moi truong");
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "(STNMT)" })).ToHaveCountAsync(0);
        await end.Locator("input").First.FillAsync("so noi vu");
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "(SNV)" })).ToHaveCountAsync(1);
        await Screenshots.TakeAsync(page, "unit-picker.png");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_leader_reads_the_registry_and_sees_no_editing_control()
    {
        var page = await fx.OpenAsync("/units", c => TestSignIn.SignInAsync(c, fx, "lanh.dao.units", "Lãnh đạo thử", null, Roles.Leader));

        await Assertions.Expect(page.Locator("tr[data-code='SNNMT']")).ToContainTextAsync("STNMT");
        await Assertions.Expect(page.GetByTestId("waiting")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("registry-edit")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-action]")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
