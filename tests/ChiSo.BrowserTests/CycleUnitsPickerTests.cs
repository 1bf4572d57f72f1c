using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChiSo.BrowserTests;

/// <summary>The units taking part in a new assessment cycle: found by name without diacritics, or every department or
/// every commune and ward at once, among those existing on the self-assessment's due date.</summary>
[Collection("browser")]
public sealed class CycleUnitsPickerTests(BrowserFixture fx)
{
    [Fact]
    public async Task The_standing_agency_adds_every_department_existing_then_and_one_ward_by_name()
    {
        var page = await fx.OpenAsync("/danh-gia");
        var group = page.GetByTestId("cycle-group").First;
        var picker = group.GetByTestId("cycle-units-0");

        // The button says how many it adds; the chips come once the server has answered the click.
        var all = group.GetByTestId("cycle-units-all-department");
        var departments = int.Parse(System.Text.RegularExpressions.Regex.Match(await all.InnerTextAsync(), @"\((\d+)\)").Groups[1].Value);
        Assert.True(departments > 10, $"{departments} departments");
        await all.ClickAsync();
        await Expect(picker.GetByTestId("chip")).ToHaveCountAsync(departments);
        await Expect(picker.GetByTestId("chip").Filter(new() { HasText = "(SNV)" })).ToHaveCountAsync(1);
        // A department merged away in 2025 does not take part in a cycle of a later year.
        await Expect(picker.GetByTestId("chip").Filter(new() { HasText = "(STNMT)" })).ToHaveCountAsync(0);
        await Expect(group.GetByTestId("cycle-units-all-department")).ToContainTextAsync($"({departments})");

        await UnitsEditingTests.PickUnitAsync(picker, "phuong ba dinh", "00004");
        await Expect(picker.GetByTestId("chip")).ToHaveCountAsync(departments + 1);
        await Expect(picker).ToContainTextAsync($"Đơn vị trong nhóm ({departments + 1})");

        await group.GetByTestId("cycle-units-clear").ClickAsync();
        await Expect(picker.GetByTestId("chip")).ToHaveCountAsync(0);
        await group.GetByTestId("cycle-units-all-commune").ClickAsync();
        await Expect(picker.GetByTestId("chip").Filter(new() { HasText = "(00004)" })).ToHaveCountAsync(1);
        await Screenshots.TakeAsync(page, "cycle-units-picker.png");
        await page.Context.CloseAsync();
    }
}
