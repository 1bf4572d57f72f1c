using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Tests.Assessments;
using ChiSo.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChiSo.Tests.Dashboard;

/// <summary>Every page a leader reaches reads in words: no framework-qualified criterion keys, group or framework codes in
/// brackets, "total ·" or built-in file names where a person reads (links may carry keys in their addresses).</summary>
public abstract class WordsNotKeysTests(Provider provider)
{
    internal static readonly Regex RawKey = new(
        @"\b(par-province|sipas|papi|city-par-[a-z-]+):[0-9A-Za-z]"
        + @"|\((citizens|organisations|businesses|residents|city-delegates|citizens-transactions|household-businesses|(dept|commune|district)-[a-z-]+)\)"
        + @"|\((par-province|sipas|papi|city-par-[a-z-]+) \d{4}\)"
        + @"|total ·|\b(papi|sipas|par-province|city-par-[a-z-]+)\.json\b",
        RegexOptions.Compiled);

    /// <summary>What a person reads: the text between tags, without scripts, styles and Blazor's prerender markers.</summary>
    static string Text(string html)
    {
        html = Regex.Replace(html, @"<!--[\s\S]*?-->|<script[\s\S]*?</script>|<style[\s\S]*?</style>", " ");
        return WebUtility.HtmlDecode(Regex.Replace(html, "<[^>]+>", " "));
    }

    [Fact]
    public async Task No_page_a_leader_reaches_shows_a_raw_key()
    {
        await using var run = await RunningApp.StartAsync(provider);
        int cycle, round, plan, questionnaire;
        await using (var scope = run.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
            var demo = await DemoCycle.BuildAsync(db, scope.ServiceProvider.GetRequiredService<UserAccounts>(), new FakeTimeProvider(AssessmentSetup.Start), 2026, Actors.Admin());
            Assert.True(demo.Ok, demo.Error);
            cycle = demo.Value.CycleId;
            round = await db.SurveyRounds.OrderBy(r => r.Id).Select(r => r.Id).FirstAsync();
            plan = await db.Plans.OrderBy(p => p.Id).Select(p => p.Id).FirstAsync();
            questionnaire = await db.Questionnaires.Where(q => q.Key == "sipas").Select(q => q.Id).FirstAsync();
        }
        var leader = await run.App.ClientAsync(Roles.Leader);

        var samples = new Dictionary<string, string>
        {
            ["{Id:int}"] = "", ["/danh-gia/{Id:int}/don-vi/{UnitCode}"] = $"/danh-gia/{cycle}/don-vi/SNV",
            ["/plans/{Id:int}"] = $"/plans/{plan}", ["/surveys/questionnaires/{Id:int}"] = $"/surveys/questionnaires/{questionnaire}",
            ["/reports/{Unit}/{Year:int}/{Period}"] = "/reports/SNV/2026/Q1",
        };
        var paths = typeof(ChiSo.Web.Components.App).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>().Select(r => r.Template)).Distinct()
            .Select(t => samples.TryGetValue(t, out var p) ? p
                : t.StartsWith("/surveys/rounds/{Id:int}", StringComparison.Ordinal) ? t.Replace("{Id:int}", round.ToString())
                : t.StartsWith("/danh-gia/{Id:int}", StringComparison.Ordinal) ? t.Replace("{Id:int}", cycle.ToString())
                : t.Contains('{') ? null : t)
            .OfType<string>()
            .Concat(["/overview?f=sipas&y=2024", "/overview?f=papi&y=2024", "/gaps?f=papi&y=2024", "/tasks?criterion=par-province:4"])
            .Where(p => p is not ("/Error" or "/dang-xuat"))
            .Order(StringComparer.Ordinal).ToList();

        var leaks = new List<string>();
        foreach (var path in paths)
        {
            var response = await leader.GetAsync(path);
            if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/html") continue;
            foreach (Match m in RawKey.Matches(Text(await response.Content.ReadAsStringAsync())))
                leaks.Add($"{path}: …{m.Value}…");
        }
        Assert.True(leaks.Count == 0, string.Join("\n", leaks.Distinct().Take(60)));
    }
}

public sealed class WordsNotKeysSqliteTests() : WordsNotKeysTests(Provider.Sqlite);

public sealed class WordsNotKeysPostgresTests() : WordsNotKeysTests(Provider.Postgres);
