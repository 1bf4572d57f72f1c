using System.Text.RegularExpressions;
using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChiSo.BrowserTests;

/// <summary>Controls that fit (issue 12, item 6) and the notification centre (item 9): an appraiser chosen from a list of
/// people, the confirmation before an irreversible step, a unit's notices with their read marks.</summary>
[Collection("browser")]
public sealed class ControlsTests(BrowserFixture fx)
{
    readonly AssessmentSetup setup = new(fx);

    static ILocator Input(IPage page, string testId) => page.Locator($"[data-testid={testId}] input, input[data-testid={testId}]").First;

    [Fact]
    public async Task The_standing_agency_opens_a_cycle_after_confirming_and_assigns_an_appraiser_found_by_name_without_diacritics()
    {
        var key = await setup.FrameworkAsync();
        var draft = AssessmentSetup.Ok(await setup.Service(s => s.CreateCycleAsync(new CycleSpec(2026, $"Kỳ thử chọn {key}",
            ViText.EndOfDay(DateOnly.FromDateTime(DateTime.UtcNow.AddDays(30))), new DateOnly(2026, 12, 23), new DateOnly(2027, 1, 15), 7,
            [new GroupSpec("Các sở, ban, ngành", key, "V1", ["SNV", "STP"])]), AssessmentSetup.Admin)));
        var appraiser = "chon-" + key;
        await TestSignIn.EnsureUserAsync(fx.Services, appraiser, "Đỗ Thẩm Định Chọn", null, Roles.Appraiser);

        var page = await fx.OpenAsync($"/danh-gia/{draft.Id}");
        await page.GetByTestId("cycle-open").ClickAsync();
        await Expect(page.GetByTestId("confirm-dialog")).ToContainTextAsync("2 đơn vị bắt đầu tự đánh giá");
        await Expect(page.GetByTestId("confirm-dialog")).ToContainTextAsync("Bước này không thể hoàn tác");
        await page.GetByTestId("confirm-cancel").ClickAsync();
        await Expect(page.GetByTestId("cycle-open")).ToBeVisibleAsync();
        await page.GetByTestId("cycle-open").ClickAsync();
        await page.GetByTestId("confirm-yes").ClickAsync();
        await Expect(page.GetByTestId("cycle-done")).ToContainTextAsync("Đã mở kỳ đánh giá");

        // Typed without diacritics, picked by name with the unit shown; the unit and the field from their lists.
        await Input(page, "assign-user").FillAsync("do tham dinh chon");
        await page.Locator($"[data-user='{appraiser}']").ClickAsync();
        await Expect(Input(page, "assign-user")).ToHaveValueAsync(new Regex("^Đỗ Thẩm Định Chọn"));
        await page.GetByTestId("assign-unit").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Sở Nội vụ" }).First.ClickAsync();
        await page.GetByTestId("assign-field").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { NameRegex = new Regex("^1\\. Công tác chỉ đạo") }).ClickAsync();
        await page.GetByTestId("assign-add").ClickAsync();
        await Expect(page.GetByTestId("cycle-done")).ToContainTextAsync("Đã phân công thẩm định");
        var row = page.Locator("[data-testid=appraisers] tr", new() { HasText = appraiser });
        await Expect(row).ToContainTextAsync("Đỗ Thẩm Định Chọn");
        await Expect(row).ToContainTextAsync("Sở Nội vụ");
        await Screenshots.TakeAsync(page, "appraiser-picker.png");
    }

    [Fact]
    public async Task A_unit_head_finds_the_appraisal_result_under_the_bell_and_marks_it_read()
    {
        var key = await setup.FrameworkAsync();
        var id = await setup.CycleAsync(key, "SNV");
        await setup.AnswerAllAsync(id, "SNV");
        AssessmentSetup.Ok(await setup.Service(s => s.SubmitAsync(id, "SNV", AssessmentSetup.Admin)));
        await setup.AcceptAllAsync(id, "SNV");
        AssessmentSetup.Ok(await setup.Service(s => s.SendAppraisalAsync(id, "SNV", AssessmentSetup.Admin)));
        var unitId = await setup.UnitIdAsync("SNV");

        var page = await fx.OpenAsync("/danh-gia", c => TestSignIn.SignInAsync(c, fx, "tb-" + key, "Lê Thông Báo", unitId, Roles.UnitHead));
        await Expect(page.GetByTestId("bell")).ToBeVisibleAsync();
        await page.GetByTestId("bell").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/thong-bao$"));
        var notice = page.Locator("[data-testid=notice][data-kind=AppraisalResult]", new() { HasText = $"Kỳ thử {key}" });
        await Expect(notice).ToHaveAttributeAsync("data-read", "false");
        await Expect(notice).ToContainTextAsync("Công nhận 4 tiêu chí, điều chỉnh 0 tiêu chí.");
        await Screenshots.TakeAsync(page, "notices.png");
        await notice.GetByTestId("notice-read").ClickAsync();
        await Expect(notice).ToHaveAttributeAsync("data-read", "true");
        await notice.GetByTestId("notice-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/danh-gia/{id}/don-vi/SNV$"));
    }
}
