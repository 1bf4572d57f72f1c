using System.Net;
using System.Text.RegularExpressions;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Features.Dashboard;
using ChiSo.Features.Surveys;
using ChiSo.Tests.Assessments;
using ChiSo.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChiSo.Tests.Dashboard;

/// <summary>The leaders' dashboard at "/": the figures the services compute, each leading to the page behind it; other
/// roles start on their own page; the old overview links still open the overview.</summary>
public abstract class LeaderDashboardTests(Provider provider)
{
    static string Num(decimal? v) => ViText.Num(v, ViText.Vi);

    static async Task<string> PageAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    /// <summary>An open survey round with a quota, and the demo assessment cycle, so that every tile has something.</summary>
    static async Task<int> OpenRoundAndCycleAsync(ChiSoApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
        var admin = Actors.Admin();
        var demo = await DemoCycle.BuildAsync(db, scope.ServiceProvider.GetRequiredService<UserAccounts>(), new FakeTimeProvider(AssessmentSetup.Start), 2026, admin);
        Assert.True(demo.Ok, demo.Error);
        var questionnaire = await db.Questionnaires.Include(q => q.Groups).OrderBy(q => q.Id).FirstAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var round = await Rounds.CreateAsync(db, new RoundRequest(today.Year, "Đợt thử của trang lãnh đạo", questionnaire.Id, today.AddDays(-3), today.AddDays(20)), admin);
        Assert.Null(round.Errors);
        var quotas = await Rounds.SetQuotasAsync(db, round.Value, [new QuotaRequest("SNV", questionnaire.Groups.First().Code, null, 40)], admin);
        Assert.Null(quotas.Errors);
        var opened = await Rounds.SetStatusAsync(db, round.Value, RoundStatus.Open, admin, TimeProvider.System);
        Assert.Null(opened.Errors);
        return round.Value;
    }

    [Fact]
    public async Task A_leader_sees_the_figures_the_services_compute_and_each_links_to_the_page_behind_it()
    {
        await using var run = await RunningApp.StartAsync(provider);
        var roundId = await OpenRoundAndCycleAsync(run.App);
        var leader = await run.App.ClientAsync(Roles.Leader);

        var html = await PageAsync(leader, "/");
        LeaderDashboardView view;
        await using (var db = run.Database.NewContext())
            view = await LeaderDashboard.LoadAsync(db, TimeProvider.System, Actors.Of(Roles.Leader));

        Assert.Contains("Tổng hợp cho lãnh đạo", html);
        foreach (var key in new[] { "par-province", "sipas", "papi" })
        {
            var tile = view.Indices.Single(t => t.Key == key);
            Assert.NotNull(tile.Result);
            var block = Tile(html, "tile-" + key);
            Assert.Contains(Num(tile.Result), block);
            Assert.Contains($"/overview?f={key}&y={tile.Year}", block);
            Assert.Contains($"/gaps?f={key}&y={tile.Year}", block);
            if (tile.Rank is { } rank) Assert.Contains($"<b>{rank}</b>/{tile.RankOf}", block);
            if (tile.Target is { } target) Assert.Contains($"{target.Comparator} {Num(target.Value)}", block);
            // A trend with its axis: more than one tick label, the years under it.
            Assert.Contains("<svg class=\"chart line\"", block);
            foreach (var year in tile.History.Where(p => p.Total is not null).Select(p => p.Year)) Assert.Contains($">{year}</text>", block);
        }
        Assert.Contains(view.Indices, t => t.City);

        var stake = Tile(html, "tile-at-stake");
        Assert.Contains(view.AtStake, s => s.ByLead.Count > 0);
        foreach (var s in view.AtStake.Where(s => s.ByLead.Count > 0))
        {
            var top = s.ByLead[0];
            Assert.Contains($"/gaps?f={s.Framework}&y={s.Year}&lead={Uri.EscapeDataString(top.Lead)}#tieu-chi", stake);
            Assert.Contains($">{top.Lead}</a>", stake);
            Assert.Contains(Num(top.PointsLost), stake);
        }

        var overdue = Tile(html, "tile-overdue");
        Assert.Contains($"{view.OverdueShares} phần việc quá hạn ở {view.OverdueByAgency.Count} đơn vị", overdue);
        Assert.NotEmpty(view.OverdueByAgency);
        foreach (var a in view.OverdueByAgency.Take(8).Where(a => a.Unit is not null))
            Assert.Contains($"/tasks?unit={a.Unit}&overdue=true", overdue);

        var surveys = Tile(html, "tile-surveys");
        var round = Assert.Single(view.OpenRounds);
        Assert.Equal(roundId, round.RoundId);
        Assert.Contains($"/surveys/rounds/{roundId}/progress", surveys);
        Assert.Contains($"{round.Answers} / {round.Target} phiếu", surveys);

        var cycle = Tile(html, "tile-cycle");
        Assert.NotNull(view.Cycle);
        Assert.Contains($"/danh-gia/{view.Cycle!.Id}", cycle);
        Assert.Contains($"{view.Cycle.Units} đơn vị", cycle);
        foreach (var (_, label, count) in view.Cycle.Stages) Assert.Matches(Regex.Escape(label) + @"</a></span>\s*<span class=""bar-track"">[\s\S]*?<span class=""bar-value"">" + count + "</span>", cycle);
    }

    [Fact]
    public async Task Other_roles_start_on_their_own_page_and_old_overview_links_open_the_overview()
    {
        await using var run = await RunningApp.StartAsync(provider);
        var noRedirect = new WebApplicationFactoryClientOptions { AllowAutoRedirect = false };

        var editor = await run.App.ClientAsync(Roles.UnitEditor, "SNV", noRedirect);
        var institute = await run.App.ClientAsync(Roles.SurveyInstitute, null, noRedirect);
        var admin = await run.App.ClientAsync(Roles.Admin, null, noRedirect);

        Assert.Equal("/my-tasks", await RedirectAsync(editor, "/"));
        Assert.Equal("/surveys/rounds", await RedirectAsync(institute, "/"));
        Assert.Equal("/overview?f=papi&y=2024", await RedirectAsync(admin, "/?f=papi&y=2024"));
        var overview = await PageAsync(admin, "/overview?f=par-province&y=2023");
        Assert.Contains("91,43", overview);
    }

    static async Task<string?> RedirectAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found, $"{path}: {response.StatusCode}");
        var location = response.Headers.Location!;
        return location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
    }

    /// <summary>The markup of one tile (from its marker to the next tile's).</summary>
    static string Tile(string html, string testId)
    {
        var start = html.IndexOf($"data-testid=\"{testId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no {testId}");
        var end = html.IndexOf("<article", start, StringComparison.Ordinal);
        return end < 0 ? html[start..] : html[start..end];
    }
}

public sealed class LeaderDashboardSqliteTests() : LeaderDashboardTests(Provider.Sqlite);

public sealed class LeaderDashboardPostgresTests() : LeaderDashboardTests(Provider.Postgres);
