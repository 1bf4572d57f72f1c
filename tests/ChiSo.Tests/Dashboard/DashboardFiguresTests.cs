using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Dashboard;
using ChiSo.Features.Gaps;
using ChiSo.Features.Plans;
using ChiSo.Features.Results;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ChiSo.Tests.Dashboard;

/// <summary>The dashboard reads less than the pages behind its tiles (issue 12, speed): its figures must stay the ones
/// those pages compute, on the built-in data, on a day inside the seeded plans and on one after the district mergers.
/// Likewise the overview's count of shares waiting for the standing agency, read only from tasks an ended unit is on.</summary>
public abstract class DashboardFiguresTests(Provider provider)
{
    static readonly DateOnly[] Days = [new(2025, 7, 1), new(2026, 12, 4)];

    static FakeTimeProvider ClockAt(DateOnly day) => new(new DateTimeOffset(day.ToDateTime(new TimeOnly(3, 0)), TimeSpan.Zero));

    [Fact]
    public async Task The_dashboard_figures_are_those_of_the_pages_behind_its_tiles()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        foreach (var day in Days)
        {
            LeaderDashboardView view;
            await using (var db = database.NewContext())
                view = await LeaderDashboard.LoadAsync(db, ClockAt(day), Actors.Of(Roles.Leader));
            await using var check = database.NewContext();
            Assert.Equal(day, view.Today);

            foreach (var key in new[] { "par-province", "sipas", "papi" })
            {
                var tile = view.Indices.Single(t => t.Key == key);
                var history = (await ResultsApi.HistoryAsync(check, key, null))!;
                Assert.Equal(history, tile.History);
                var last = history.Last(p => p.Total is not null);
                Assert.Equal((last.Year, last.Total, last.Rank, last.RankOf), (tile.Year, tile.Result, tile.Rank, tile.RankOf));
                Assert.NotNull(tile.Result);
            }
            Assert.NotEmpty(view.AtStake);
            foreach (var stake in view.AtStake)
            {
                var gaps = GapReport.From((await IndexSnapshot.LoadAsync(check, stake.Framework, stake.Year, null))!);
                Assert.Equal(gaps.PointsLost, stake.PointsLost);
                Assert.Equal(gaps.ByLead.Where(l => l.PointsLost > 0).Select(l => (l.Lead, l.PointsLost)), stake.ByLead.Select(l => (l.Lead, l.PointsLost)));
            }
            foreach (var city in view.Indices.Where(t => t.City))
            {
                var means = await check.Results.AsNoTracking().Where(r => r.Version!.Framework!.Key == city.Key && r.Total != null)
                    .Select(r => new { r.Year, Total = r.Total!.Value }).ToListAsync();
                var byYear = means.GroupBy(r => r.Year).OrderBy(g => g.Key).Select(g => (g.Key, Math.Round(g.Average(r => r.Total), 2))).ToList();
                Assert.Equal(byYear, city.History.Select(p => (p.Year, p.Total!.Value)));
                Assert.Equal(means.Count(r => r.Year == byYear[^1].Key), city.Units);
            }

            var accountability = await TaskBoardAccountability.BuildAsync(check, day);
            var overdue = accountability.Agencies.Where(a => a.Overdue > 0).OrderByDescending(a => a.Overdue).ToList();
            Assert.NotEmpty(overdue);
            Assert.Equal(overdue.Select(a => (a.Unit, a.Agency, a.Overdue)), view.OverdueByAgency.Select(a => (a.Unit, a.Agency, a.Overdue)));
            Assert.Equal(overdue.Sum(a => a.Overdue), view.OverdueShares);
        }
    }

    [Fact]
    public async Task Waiting_shares_read_from_the_tasks_of_ended_units_are_those_of_every_task()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var seen = 0;
        foreach (var day in Days.Prepend(new DateOnly(2024, 6, 1)))
        {
            var every = (await TaskBoardQueries.LoadAsync(db, new TaskFilter(), day))!;
            var expected = every.Tasks.SelectMany(t => every.Parties(t).Waiting.Select(w => (t.Id, w.Unit.Code, w.Role)))
                .OrderBy(x => x.Id).ThenBy(x => x.Code).ToList();
            var waiting = await TaskHandovers.WaitingAsync(db, day);
            Assert.Equal(expected, waiting.Select(w => (w.TaskId, w.Unit, w.Role)).OrderBy(x => x.TaskId).ThenBy(x => x.Unit).ToList());
            Assert.Equal(expected.Count, await TaskHandovers.WaitingCountAsync(db, day));
            seen += expected.Count;
        }
        Assert.True(seen > 0, "the built-in data leaves some share waiting on one of the days");
    }
}

public sealed class DashboardFiguresSqliteTests() : DashboardFiguresTests(Provider.Sqlite);

public sealed class DashboardFiguresPostgresTests() : DashboardFiguresTests(Provider.Postgres);
