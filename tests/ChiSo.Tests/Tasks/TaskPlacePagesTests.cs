using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChiSo.Features.Accounts;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Tests.Tasks;

/// <summary>The task pages as the server renders them (prerendered HTML) and the task's API, through real HTTP.</summary>
public abstract class TaskPlacePagesTests(Provider provider)
{
    static async Task<int> TaskIdAsync(TestDatabase database)
    {
        await using var db = database.NewContext();
        return await db.PlanTasks.Where(t => t.Plan!.Number == "164/KH-UBND" && t.Plan.Year == 2024 && t.Number == "1").Select(t => t.Id).SingleAsync();
    }

    static async Task<string> PageAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
        return WebUtility.HtmlDecode(html);
    }

    [Fact]
    public async Task The_task_page_and_its_API_show_the_task_and_take_comments()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        var id = await TaskIdAsync(database);
        var leader = await app.ClientAsync(Roles.Leader);

        var posted = await leader.PostAsJsonAsync($"/api/tasks/{id}/comments", new { text = "Đề nghị báo cáo trước 15/6." });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var empty = await leader.PostAsJsonAsync($"/api/tasks/{id}/comments", new { text = "" });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await leader.PostAsJsonAsync("/api/tasks/999999/comments", new { text = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.AnonymousClient().PostAsJsonAsync($"/api/tasks/{id}/comments", new { text = "x" })).StatusCode);

        var view = await leader.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/view?asOf=2024-07-01");
        Assert.Equal("Tháng 5/2024", view.GetProperty("detail").GetProperty("task").GetProperty("deadlineText").GetString());
        Assert.Equal("Đề nghị báo cáo trước 15/6.", view.GetProperty("comments")[0].GetProperty("text").GetString());
        Assert.Contains(view.GetProperty("changes").EnumerateArray(), c => c.GetProperty("text").GetString()!.StartsWith("Bình luận", StringComparison.Ordinal));
        Assert.Single((await leader.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/comments")).EnumerateArray());

        var html = await PageAsync(leader, $"/tasks/{id}?asOf=2024-07-01");
        Assert.Contains("data-testid=\"task-title\"", html);
        Assert.Contains("Thời hạn (kế hoạch ghi)", html);
        Assert.Contains("Tháng 5/2024", html);
        Assert.Contains("Sở Nội vụ", html);
        Assert.Contains("Đề nghị báo cáo trước 15/6.", html);
        Assert.Contains("Lịch sử thay đổi", html);
        Assert.Contains("data-action=\"task-comment\"", html);
        Assert.Contains("không có nhiệm vụ này", (await PageAsync(leader, "/tasks/999999")).ToLowerInvariant());
    }

    [Fact]
    public async Task Lists_boards_timeline_and_calendar_are_paged_and_link_to_the_task()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        var id = await TaskIdAsync(database);
        int plan;
        await using (var db = database.NewContext()) plan = await db.PlanTasks.Where(t => t.Id == id).Select(t => t.PlanId).SingleAsync();
        var editor = await app.ClientAsync(Roles.UnitEditor, "SNV");

        var list = await PageAsync(editor, "/tasks?size=20");
        Assert.Contains("data-testid=\"pager\"", list);
        Assert.Contains("trang 1/", list);
        Assert.Equal(20, CountOf(list, "data-testid=\"task-link\""));
        var second = await PageAsync(editor, "/tasks?size=20&p=2");
        Assert.Contains("trang 2/", second);
        Assert.Contains($"href=\"/tasks/{id}\"", await PageAsync(editor, $"/tasks?plan={plan}&size=500"));
        Assert.Contains("/api/tasks.xlsx?planId=" + plan, await PageAsync(editor, $"/tasks?plan={plan}"));

        var board = await PageAsync(editor, $"/tasks/board?plan={plan}&unit=SNV&asOf=2024-07-01");
        Assert.Contains("data-column=\"Overdue\"", board);
        Assert.Contains($"href=\"/tasks/{id}?asOf=2024-07-01\"", board);
        Assert.Contains("data-action=\"filter-save\"", board);

        var timeline = await PageAsync(editor, $"/tasks/timeline?plan={plan}&asOf=2024-07-01");
        Assert.Contains($"data-task-id=\"{id}\"", timeline);
        Assert.Contains("class=\"g-bar", timeline);

        var calendar = await PageAsync(editor, "/tasks/calendar?unit=SNV&m=2024-05&asOf=2024-05-01");
        Assert.Contains($"href=\"/tasks/{id}?asOf=2024-05-01\"", calendar);

        var accountability = await PageAsync(editor, "/accountability?asOf=2024-07-01");
        Assert.Contains("data-testid=\"pager-heads\"", accountability);
        Assert.Contains("href=\"/tasks/", accountability);

        var xlsx = await editor.GetAsync($"/api/tasks.xlsx?planId={plan}&asOf=2024-07-01");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Equal("nhiem-vu-2024-07-01.xlsx", xlsx.Content.Headers.ContentDisposition!.FileNameStar ?? xlsx.Content.Headers.ContentDisposition.FileName);
    }

    static int CountOf(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}

public sealed class TaskPlacePagesSqliteTests() : TaskPlacePagesTests(Provider.Sqlite);

public sealed class TaskPlacePagesPostgresTests() : TaskPlacePagesTests(Provider.Postgres);
