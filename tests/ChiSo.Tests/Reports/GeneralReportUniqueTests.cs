using ChiSo.Features.Plans;
using ChiSo.Features.Reports;
using ChiSo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Tests.PeriodicReports;

/// <summary>Two first saves of the same general report at once: the database keeps one (the service then answers
/// the other with 409).</summary>
public abstract class GeneralReportUniqueTests(Provider provider)
{
    [Fact]
    public async Task A_unit_has_one_general_report_per_period_even_when_two_are_created_at_once()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.NewContext();
        var unit = await db.Units.FirstAsync(u => u.Code == "Q-TAYHO");
        PeriodicReport General() => new() { UnitId = unit.Id, Year = 2024, Period = ReportingPeriodKind.Q1, Status = ReportStatus.Draft };

        db.PeriodicReports.Add(General());
        await db.SaveChangesAsync();
        await using var other = database.NewContext();
        other.PeriodicReports.Add(General());
        await Assert.ThrowsAsync<DbUpdateException>(() => other.SaveChangesAsync());

        // Thematic reports of the same period still sit beside it.
        other.ChangeTracker.Clear();
        other.PeriodicReports.Add(new PeriodicReport { UnitId = unit.Id, Year = 2024, Period = ReportingPeriodKind.Q1, Area = "institutions" });
        await other.SaveChangesAsync();
    }
}

public sealed class GeneralReportUniqueSqliteTests() : GeneralReportUniqueTests(Provider.Sqlite);

public sealed class GeneralReportUniquePostgresTests() : GeneralReportUniqueTests(Provider.Postgres);
