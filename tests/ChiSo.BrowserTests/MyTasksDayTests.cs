using System.Text.RegularExpressions;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChiSo.BrowserTests;

/// <summary>The unit's own day (issue 12, item 2): a unit editor opens /my-tasks on her unit without choosing it, sees
/// what is late first with named links, and files progress with a file beside the task, on a desktop and on a phone.</summary>
[Collection("browser")]
public sealed class MyTasksDayTests(BrowserFixture fx)
{
    [Theory]
    [InlineData(1366, 900, 0)]
    [InlineData(390, 844, 1)]
    public async Task A_unit_editor_reports_progress_with_a_file_beside_the_task(int width, int height, int nth)
    {
        int snv;
        await using (var scope = fx.Services.CreateAsyncScope())
            snv = await scope.ServiceProvider.GetRequiredService<ChiSoDb>().Units.Where(u => u.Code == "SNV").Select(u => u.Id).SingleAsync();
        var context = await fx.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "vi-VN", ViewportSize = new ViewportSize { Width = width, Height = height } });
        await TestSignIn.SignInAsync(context, fx, "bientap-ngay-snv", "Trần Thị Ngày", snv, Roles.UnitEditor);
        var page = await context.NewPageAsync();
        await page.GotoAsync(fx.BaseUrl + "/my-tasks");
        await page.Locator("[data-testid=interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

        // Her unit comes from the account: no picker of 70 units.
        await Expect(page.Locator("h1")).ToContainTextAsync("Sở Nội vụ");
        await Expect(page.GetByTestId("pick-unit")).ToHaveCountAsync(0);
        // Late work first, and every notice names its task and links to it.
        var rows = page.Locator("[data-testid=my-tasks] tr[data-task-id]");
        await Expect(rows.First.GetByTestId("overdue")).ToBeVisibleAsync();
        var notice = page.GetByTestId("notice").First;
        await Expect(notice.Locator("a")).ToHaveAttributeAsync("href", new Regex(@"^/tasks/\d+$"));
        Assert.DoesNotMatch(new Regex(@"^nhiệm vụ \d"), await notice.Locator("a").InnerTextAsync());

        var row = rows.Nth(nth);
        var id = await row.GetAttributeAsync("data-task-id");
        await row.GetByTestId("file-progress").ClickAsync();
        var form = page.GetByTestId("progress-form");
        await Expect(form).ToBeVisibleAsync();
        // The form opens at the row, not a screen away.
        var rowBox = (await row.BoundingBoxAsync())!;
        var formBox = (await form.BoundingBoxAsync())!;
        Assert.InRange(formBox.Y - (rowBox.Y + rowBox.Height), -1, 40);
        Assert.True(formBox.X + formBox.Width <= width + 1, $"form runs to {formBox.X + formBox.Width} px at {width} px");

        // Labelled fields: found by their labels, as a screen reader names them.
        await Expect(form.GetByText("Tình trạng").First).ToBeVisibleAsync();
        var percent = form.Locator("[data-testid=form-percent] input, input[data-testid=form-percent]").First;
        await percent.FillAsync("60");
        await percent.PressAsync("Tab");
        var note = form.Locator("[data-testid=form-text] textarea, textarea[data-testid=form-text]").First;
        await note.FillAsync($"Đã hoàn thành dự thảo, gửi xin ý kiến ({width} px)");
        // Content of its own per run: the same bytes filed twice are kept once, under the first name.
        await FileChoice.ChooseAsync(form.GetByTestId("form-files").Locator("input[type=file]"),
            new FilePayload { Name = $"bien-ban-{width}.pdf", MimeType = "application/pdf", Buffer = [.. AssessmentTests.TinyPdf(), .. System.Text.Encoding.ASCII.GetBytes($"% {width}\n")] });
        await Expect(form.GetByTestId("picked-file")).ToContainTextAsync($"bien-ban-{width}.pdf");
        await form.GetByTestId("form-submit").ClickAsync();

        var done = page.GetByTestId("filing-result");
        await Expect(done).ToContainTextAsync("Đã ghi báo cáo tiến độ nhiệm vụ");
        await Expect(done).ToContainTextAsync("60 %, 1 tệp minh chứng");
        await Screenshots.TakeAsync(page, $"my-tasks-{width}.png");

        var detail = await context.APIRequest.GetAsync($"{fx.BaseUrl}/api/tasks/{id}");
        var json = await detail.TextAsync();
        Assert.True(json.Contains($"bien-ban-{width}.pdf"), json);
        Assert.Contains($"({width} px)", json);
        await context.CloseAsync();
    }
}
