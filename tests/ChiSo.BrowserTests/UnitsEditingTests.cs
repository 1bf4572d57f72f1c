using ChiSo.Features.Accounts;
using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

/// <summary>/units as the standing agency edits it (add a unit, give it an ended district's waiting task) and as a
/// leader reads it (no editing control).</summary>
[Collection("browser")]
public sealed class UnitsEditingTests(BrowserFixture fx)
{
    static ILocator Field(IPage page, string name) => page.Locator($"[data-field={name}] input, input[data-field={name}]").First;

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
        await first.Locator("input").FillAsync(code);
        await first.Locator("[data-action=handover-assign]").ClickAsync();
        await Assertions.Expect(waiting.Locator($"tr[data-task='{task}'][data-unit='{from}']")).ToHaveCountAsync(0);

        // A ward of 2025 shows what it is.
        await Assertions.Expect(page.Locator("tr[data-code='00070'] [data-subkind=ward]")).ToHaveTextAsync("Phường");
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
