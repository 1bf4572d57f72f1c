using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using ChiSo.Features.Cluster;
using ChiSo.Features.Plans;
using ChiSo.Features.Surveys;
using ChiSo.Tests.Surveys.Collection;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Tests.Cluster;

/// <summary>Issue 13's proof: two instances of the built app behind nginx on one PostgreSQL, started and stopped by
/// deploy/cluster.sh, share sign-in, files and scheduled work, and ride out a killed instance and a restarted database
/// (docs/decisions/0023). PostgreSQL only, by nature: SQLite is one process's file. The facts run one after another on
/// one cluster; each one that breaks something puts it back.</summary>
public sealed class ClusterTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    const string Header = "X-ChiSo-Instance";

    static string InstanceOf(HttpResponseMessage r) => r.Headers.TryGetValues(Header, out var v) ? v.Single() : "(none)";

    [ClusterFact]
    public async Task Signed_in_once_through_nginx_the_user_is_served_by_both_instances_and_a_page_keeps_its_instance()
    {
        using var client = await cluster.SignInAsync();
        var served = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            var me = await client.GetAsync("/api/account/me");
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            served.Add(InstanceOf(me));
        }
        Assert.Equal(["app1", "app2"], served.Order());

        // A page: nginx gives the browser its affinity cookie, and every later page (and the circuit) goes to one instance.
        var first = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains(first.Headers.GetValues("Set-Cookie"), c => c.StartsWith("chiso_node="));
        var pinned = InstanceOf(first);
        for (var i = 0; i < 6; i++)
        {
            var again = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(pinned, InstanceOf(again));
        }
        // The circuit's transport: negotiate, then the WebSocket upgrade through nginx, both on the page's instance.
        var negotiate = await client.SendAsync(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1");
        Assert.Equal(pinned, InstanceOf(negotiate));
        var token = (await negotiate.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("connectionToken").GetString();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Cookie", client.CookieHeader);
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{cluster.Port}/_blazor?id={token}"), CancellationToken.None);
        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.Equal(pinned, socket.HttpResponseHeaders?[Header].Single());

        // Other browsers (other affinity cookies) land on the other instance too, still signed in: same session, no new sign-in.
        var pages = new HashSet<string>();
        for (var i = 0; i < 16 && pages.Count < 2; i++)
        {
            client.Set("chiso_node", $"browser-{i}");
            var page = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            pages.Add(InstanceOf(page));
        }
        Assert.Equal(["app1", "app2"], pages.Order());
    }

    [ClusterFact]
    public async Task A_file_uploaded_on_one_instance_is_downloaded_from_the_other()
    {
        using var client = await cluster.SignInAsync();
        var plans = await (await client.GetAsync("/api/plans?year=2023")).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var id = plans[0].GetProperty("id").GetInt32();
        var pdf = Encoding.UTF8.GetBytes($"%PDF-1.4\n% kế hoạch {Guid.NewGuid()}\n%%EOF\n");
        var content = new ByteArrayContent(pdf);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

        var upload = await client.SendAsync(HttpMethod.Post, $"/api/plans/{id}/source", new MultipartFormDataContent { { content, "file", "ke-hoach.pdf" } },
            cluster.Instance(1));
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        Assert.Equal("app1", InstanceOf(upload));
        var download = await client.GetAsync($"/api/plans/{id}/source", cluster.Instance(2));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("app2", InstanceOf(download));
        Assert.Equal(pdf, await download.Content.ReadAsByteArrayAsync());
    }

    [ClusterFact]
    public async Task A_reminder_is_sent_once_while_both_instances_run_the_scheduler()
    {
        var today = TaskBoard.Today(TimeProvider.System);
        int taskId, snv;
        await using (var db = cluster.NewContext())
        {
            snv = (await db.Units.SingleAsync(u => u.Code == "SNV")).Id;
            var plan = new Plan { Number = "77/KH-CLUSTER", Title = "Kế hoạch thử cụm máy chủ", Year = today.Year, Status = PlanStatus.Issued, IssuedOn = today.AddDays(-30) };
            var task = new PlanTask { Plan = plan, Number = "1", Description = "Nhiệm vụ nhắc hạn một lần", DeadlineText = "Chậm nhất ngày " + today.AddDays(3).ToString("dd/MM/yyyy") };
            task.Agencies.Add(new TaskAgency { Role = AgencyRole.Lead, Name = "Sở Nội vụ", UnitId = snv });
            db.PlanTasks.Add(task);
            await db.SaveChangesAsync();
            taskId = task.Id;
        }

        async Task<int> Rows()
        {
            await using var db = cluster.NewContext();
            return await db.RemindersSent.CountAsync(r => r.TaskId == taskId);
        }
        var clock = Stopwatch.StartNew();
        while (await Rows() == 0 && clock.Elapsed < TimeSpan.FromSeconds(45)) await Task.Delay(500);
        Assert.Equal(1, await Rows());
        // Two more periods with both instances ticking every second: nothing more is sent.
        await Task.Delay(TimeSpan.FromSeconds(22));
        Assert.Equal(1, await Rows());

        await using (var db = cluster.NewContext())
        {
            // Every reminder recorded went out as one e-mail, none twice.
            var recorded = await db.RemindersSent.CountAsync(r => r.UnitId == snv);
            Assert.Equal(recorded, cluster.Smtp.Messages.Count(m => m.To == ClusterFixture.SnvMailbox));
            // The job ran once per period across the cluster (not once per instance per tick), and says where it ran.
            var runs = await db.ScheduledRuns.Where(r => r.Job == Scheduler.Reminders).OrderBy(r => r.StartedAt).ToListAsync();
            Assert.True(runs.Count >= 3, $"{runs.Count} runs");
            Assert.All(runs, r => Assert.Contains(r.Instance, new[] { "app1", "app2" }));
            Assert.All(runs.Zip(runs.Skip(1)), p => Assert.True(p.Second.StartedAt - p.First.StartedAt >= TimeSpan.FromSeconds(9.5),
                $"{p.First.Instance} at {p.First.StartedAt:O}, then {p.Second.Instance} at {p.Second.StartedAt:O}"));
            Assert.Contains(runs, r => r.Count == 1 && r.Problem is null);
            Assert.Contains(await db.ScheduledRuns.Where(r => r.Job == Scheduler.AuditCheckpoint).ToListAsync(), r => !r.Failed && r.Problem is null);
        }
    }

    [ClusterFact]
    public async Task An_instance_killed_while_answers_stream_loses_no_acknowledged_answer_and_stores_none_twice()
    {
        OpenRound round;
        await using (var db = cluster.NewContext())
            round = await CollectionBuilder.OpenRoundAsync(db, "sipas", ["citizens"], target: 100000);
        using var client = await cluster.SignInAsync();
        var url = $"/api/surveys/rounds/{round.Id}/responses";
        // Each answer is told apart by its time on the form (Seconds), which is stored with it.
        var outcomes = new ConcurrentDictionary<int, (HttpStatusCode Status, string Instance, bool AfterKill)>();
        var next = 0;
        var killed = false;
        var stop = DateTime.UtcNow.AddSeconds(12);
        async Task Respondent()
        {
            while (DateTime.UtcNow < stop)
            {
                var n = Interlocked.Increment(ref next);
                var after = Volatile.Read(ref killed);
                var body = JsonContent.Create(new { unit = round.Unit, group = "citizens", answers = CollectionBuilder.ValidAnswers(round.Form, "citizens", n), seconds = 600 + n });
                try
                {
                    var r = await client.SendAsync(HttpMethod.Post, url, body);
                    outcomes[n] = (r.StatusCode, InstanceOf(r), after);
                }
                catch (HttpRequestException) { outcomes[n] = (0, "(cut)", after); }
            }
        }
        var respondents = Enumerable.Range(0, 8).Select(_ => Task.Run(Respondent)).ToList();
        await Task.Delay(TimeSpan.FromSeconds(4));
        Process.GetProcessById(cluster.Pid(2)).Kill();
        Volatile.Write(ref killed, true);
        await Task.WhenAll(respondents);

        var acked = outcomes.Where(o => (int)o.Value.Status is >= 200 and < 300).Select(o => 600 + o.Key).ToHashSet();
        Assert.Contains(outcomes.Values, o => o.Instance == "app2" && !o.AfterKill && o.Status == HttpStatusCode.Created);
        // The survivor keeps serving: answers sent after the kill are taken by app1 (a few in flight at the kill may fail).
        var afterKill = outcomes.Values.Where(o => o.AfterKill).ToList();
        Assert.True(afterKill.Count(o => o.Status == HttpStatusCode.Created && o.Instance == "app1") > afterKill.Count / 2,
            string.Join(", ", afterKill.GroupBy(o => (o.Status, o.Instance)).Select(g => $"{g.Key}: {g.Count()}")));
        await using (var db = cluster.NewContext())
        {
            var stored = await db.SurveyResponses.Where(r => r.RoundId == round.Id).Select(r => r.Seconds!.Value).ToListAsync();
            // Every acknowledged answer is stored ...
            Assert.Empty(acked.Except(stored));
            // ... and none twice: nginx passes a POST on only when it never reached an instance.
            Assert.Empty(stored.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => g.Key));
            // What was stored without an acknowledgement can only be an answer cut off by the kill.
            Assert.True(stored.Count - acked.Count <= outcomes.Count(o => (int)o.Value.Status is 0 or >= 500));
        }

        await cluster.ScriptAsync("up", "2");
        var back = await client.GetAsync("/readyz", cluster.Instance(2));
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }

    [ClusterFact]
    public async Task A_restarted_PostgreSQL_is_recovered_by_the_running_instances_without_their_restart()
    {
        using var client = await cluster.SignInAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/units")).StatusCode);
        var pids = new[] { cluster.Pid(1), cluster.Pid(2) };

        await cluster.ScriptAsync("restart-db");

        // Both instances, asked directly, answer again on their own (a read meeting a dead pooled connection is retried once).
        foreach (var i in new[] { 1, 2 })
        {
            var clock = Stopwatch.StartNew();
            HttpResponseMessage units;
            do units = await client.GetAsync("/api/units", cluster.Instance(i));
            while (units.StatusCode != HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(30) && await Delay());
            Assert.Equal(HttpStatusCode.OK, units.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz", cluster.Instance(i))).StatusCode);
        }
        // The same session, the same processes.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/account/me")).StatusCode);
        Assert.Equal(pids, new[] { cluster.Pid(1), cluster.Pid(2) });
        Assert.All(pids, pid => Assert.False(Process.GetProcessById(pid).HasExited));

        static async Task<bool> Delay()
        {
            await Task.Delay(500);
            return true;
        }
    }
}
