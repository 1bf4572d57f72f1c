using System.Net;
using System.Net.Http.Json;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Plans;
using ChiSo.Features.Units;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

using static ChiSo.Tests.Units.RegistryTests;

namespace ChiSo.Tests.Units;

/// <summary>Assigning many waiting shares at once (issue 11): chosen rows of several ended units, or every share of one
/// ended unit; all or nothing, one audit row per share, refused in Vietnamese when a chosen unit did not exist on the day
/// the share passes; the standing agency only; the same through the API.</summary>
public abstract class HandoverBatchTests(Provider provider)
{
    [Fact]
    public async Task Shares_of_two_districts_go_at_once_with_an_audit_row_each_and_a_successor_born_later_refuses_the_whole_batch()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var clock = ClockAt(August);
        var waiting = await TaskHandovers.WaitingAsync(db, August);
        var districts = waiting.Where(w => w.Unit.StartsWith("Q-", StringComparison.Ordinal)).GroupBy(w => w.Unit).Take(2).Select(g => g.First()).ToList();
        Assert.Equal(2, districts.Count);
        // A commune that begins after the districts' last day (30/6/2025): it exists in August, not on 1/7/2025.
        Assert.Empty(await new UnitRegistry(db, clock).AddAsync(new NewUnit("XA-MOI", "Xã Mới Lập", "commune", "commune", "HN", new DateOnly(2025, 7, 15), "99/NQ-THU", null), Actors.Admin()));
        var audit = await db.Audit.CountAsync();

        var refused = await TaskHandovers.AssignAsync(db, [new ShareAssignment(districts[0].TaskId, districts[0].Unit, "00004"),
            new ShareAssignment(districts[1].TaskId, districts[1].Unit, "XA-MOI")], "Giao theo địa bàn", Actors.Admin(), clock);
        Assert.NotNull(refused);
        Assert.Contains("Xã Mới Lập chưa tồn tại hoặc đã kết thúc vào ngày 01/07/2025", Assert.Single(refused));
        Assert.Equal(0, await db.TaskHandovers.CountAsync());
        Assert.Equal(audit, await db.Audit.CountAsync());

        await Assert.ThrowsAsync<AccessDenied>(() => TaskHandovers.AssignAsync(db, [new ShareAssignment(districts[0].TaskId, districts[0].Unit, "00004")],
            null, Actors.Of(Roles.Leader), clock));
        Assert.Null(await TaskHandovers.AssignAsync(db, [new ShareAssignment(districts[0].TaskId, districts[0].Unit, "00004"),
            new ShareAssignment(districts[1].TaskId, districts[1].Unit, "00004")], "Giao theo địa bàn", Actors.Admin(), clock));

        await using var fresh = database.NewContext();
        var now = await TaskHandovers.WaitingAsync(fresh, August);
        Assert.Equal(waiting.Count - 2, now.Count);
        foreach (var d in districts)
        {
            Assert.DoesNotContain(now, w => w.TaskId == d.TaskId && w.Unit == d.Unit);
            Assert.Equal(1, await fresh.Audit.CountAsync(a => a.Subject == $"task:{d.TaskId}" && a.Field == "holder:" + d.Unit && a.NewValue == "00004"));
        }
        Assert.Equal(audit + 2, await fresh.Audit.CountAsync());
    }

    [Fact]
    public async Task Every_share_waiting_at_one_district_goes_to_one_successor_and_nothing_is_left_waiting_there()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var clock = ClockAt(August);
        var waiting = await TaskHandovers.WaitingAsync(db, August);
        var district = waiting.Where(w => w.Unit.StartsWith("Q-", StringComparison.Ordinal)).GroupBy(w => w.Unit).OrderByDescending(g => g.Count()).First();
        Assert.True(district.Count() > 1);

        await Assert.ThrowsAsync<AccessDenied>(() => TaskHandovers.AssignAllAtAsync(db, district.Key, "00004", null, Actors.Of(Roles.UnitEditor, 1), clock));
        var (none, unknown) = await TaskHandovers.AssignAllAtAsync(db, "SNV", "00004", null, Actors.Admin(), clock);
        Assert.Equal(0, none);
        Assert.Contains("Không có phần việc nào của 'SNV' đang chờ giao", Assert.Single(unknown!));
        var (stale, ended) = await TaskHandovers.AssignAllAtAsync(db, district.Key, "STNMT", null, Actors.Admin(), clock);
        Assert.Equal(0, stale);
        Assert.Equal(district.Count(), ended!.Count);
        Assert.Equal(0, await db.TaskHandovers.CountAsync());

        var (assigned, problems) = await TaskHandovers.AssignAllAtAsync(db, district.Key, "00004", "Theo Nghị quyết 1656/NQ-UBTVQH15", Actors.Admin(), clock);
        Assert.Null(problems);
        Assert.Equal(district.Count(), assigned);
        await using var fresh = database.NewContext();
        Assert.DoesNotContain(await TaskHandovers.WaitingAsync(fresh, August), w => w.Unit == district.Key);
        Assert.Equal(assigned, await fresh.Audit.CountAsync(a => a.Field == "holder:" + district.Key && a.NewValue == "00004" && a.Reason == "Theo Nghị quyết 1656/NQ-UBTVQH15"));
    }

    [Fact]
    public async Task The_api_assigns_a_batch_and_all_of_a_unit_and_refuses_with_a_vietnamese_problem()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        var admin = app.CreateClient();
        var waiting = (await admin.GetFromJsonAsync<List<Share>>("/api/handovers"))!;
        var districts = waiting.Where(w => w.Unit.StartsWith("Q-", StringComparison.Ordinal)).GroupBy(w => w.Unit).OrderByDescending(g => g.Count()).Take(2).ToList();

        var bad = await admin.PostAsJsonAsync("/api/handovers/batch", new { shares = new[] { new { task = districts[0].First().TaskId, from = districts[0].Key, to = "STNMT" } } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Contains("nhiệm vụ sẽ không có đơn vị giữ", await bad.Content.ReadAsStringAsync());

        var batch = await admin.PostAsJsonAsync("/api/handovers/batch", new { shares = new[] { new { task = districts[0].First().TaskId, from = districts[0].Key, to = "00004" } } });
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        Assert.Equal(1, (await batch.Content.ReadFromJsonAsync<Assigned>())!.Count);
        var all = await admin.PostAsJsonAsync("/api/handovers/all", new { from = districts[1].Key, to = "00004", note = "Giao theo địa bàn" });
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.Equal(districts[1].Count(), (await all.Content.ReadFromJsonAsync<Assigned>())!.Count);

        var leader = await app.ClientAsync(Roles.Leader);
        Assert.Equal(HttpStatusCode.Forbidden, (await leader.PostAsJsonAsync("/api/handovers/all", new { from = districts[0].Key, to = "00004" })).StatusCode);
        var after = (await admin.GetFromJsonAsync<List<Share>>("/api/handovers"))!;
        Assert.Equal(waiting.Count - 1 - districts[1].Count(), after.Count);
    }

    [Fact]
    public async Task The_cli_assigns_every_share_waiting_at_a_district_and_the_list_has_none_left_there()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var waiting = await Cli.RunAsync(database, "handovers", "--json");
        var district = waiting.EnumerateArray().Select(w => w.GetProperty("unit").GetString()!).Where(u => u.StartsWith("Q-", StringComparison.Ordinal))
            .GroupBy(u => u).OrderByDescending(g => g.Count()).First();
        var done = await Cli.RunAsync(database, "handovers", "--from", district.Key, "--to", "00004", "--note", "Giao theo địa bàn", "--json");
        Assert.Equal(district.Count(), done.GetProperty("assigned").GetInt32());
        var after = await Cli.RunAsync(database, "handovers", "--json");
        Assert.DoesNotContain(after.EnumerateArray(), w => w.GetProperty("unit").GetString() == district.Key);
        await using var db = database.NewContext();
        Assert.Equal(district.Count(), await db.Audit.CountAsync(a => a.Field == "holder:" + district.Key && a.NewValue == "00004"));
    }

    sealed record Assigned(int Count);
    sealed record Share(int TaskId, string Unit);
}

public sealed class HandoverBatchSqliteTests() : HandoverBatchTests(Provider.Sqlite);

public sealed class HandoverBatchPostgresTests() : HandoverBatchTests(Provider.Postgres);
