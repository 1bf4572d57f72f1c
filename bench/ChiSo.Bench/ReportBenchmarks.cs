using BenchmarkDotNet.Attributes;
using ChiSo.Data;
using ChiSo.Features.Plans;
using ChiSo.Features.Reports;
using ChiSo.Features.Units;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Bench;

/// <summary>The consolidated Q1 report for 200 units that all submitted: each report has six sections of text,
/// each unit a plan with 5 KPI targets (values recorded) and 10 tasks it leads (two updates each). Measures
/// what a download costs: load from SQLite, then write Word or Excel.</summary>
[MemoryDiagnoser]
public class ReportBenchmarks
{
    const int Units = 200;
    string file = "";
    SqliteChiSoDb db = default!;
    readonly ReportingPeriod q1 = ReportingSchedule.Default.Period(2024, ReportingPeriodKind.Q1);
    readonly DateOnly asOf = new(2024, 3, 20);

    [GlobalSetup]
    public void Setup()
    {
        file = Path.Combine(Path.GetTempPath(), $"chiso-bench-reports-{Guid.NewGuid():N}.db");
        var o = new DbContextOptionsBuilder<SqliteChiSoDb>();
        DatabaseSetup.ConfigureSqlite(o, $"Data Source={file}");
        db = new SqliteChiSoDb(o.Options);
        BuiltInData.MigrateAndSeedIfEmptyAsync(db, TimeProvider.System).GetAwaiter().GetResult();
        Fill().GetAwaiter().GetResult();
        db.ChangeTracker.Clear();
    }

    async Task Fill()
    {
        var text = string.Concat(Enumerable.Repeat("Đơn vị đã triển khai đầy đủ các nhiệm vụ cải cách hành chính theo kế hoạch; ", 6));
        for (var i = 1; i <= Units; i++)
        {
            var unit = new Unit { Code = $"BENCH-{i:000}", Name = $"Phường thử nghiệm số {i}", Kind = UnitKind.Commune };
            db.Units.Add(unit);
            await db.SaveChangesAsync();
            var plan = new Plan { Title = $"Kế hoạch CCHC năm 2024 của đơn vị {i}", Year = 2024, Kind = PlanKind.UnitPlan, IssuerId = unit.Id };
            for (var k = 0; k < 5; k++)
                plan.Targets.Add(new PlanTarget
                {
                    Kind = PlanTargetKind.Kpi, Metric = $"Tỷ lệ hồ sơ TTHC trả đúng hạn ({k})", Comparator = ChiSo.Features.Results.Comparator.AtLeast,
                    Threshold = 90, Unit = "%", Order = k,
                    Actuals = [new TargetActual { Year = 2024, Period = ReportingPeriodKind.Q1, Value = 85 + k * 2, RecordedAt = DateTime.UtcNow, RecordedBy = "bench" }],
                });
            for (var t = 0; t < 10; t++)
            {
                var task = new PlanTask
                {
                    Number = (t + 1).ToString(), Description = $"Nhiệm vụ thử {t + 1}: rà soát, đơn giản hóa thủ tục hành chính", Order = t,
                    Agencies = [new TaskAgency { Role = AgencyRole.Lead, Name = unit.Name, UnitId = unit.Id }],
                };
                PlanTasks.ApplyDeadline(task, Deadline.Parse(t % 2 == 0 ? "Quý I/2024" : "Tháng 2/2024", 2024));
                task.Progress.Add(new ProgressUpdate { UnitId = unit.Id, Status = ProgressStatus.NotStarted, Date = new DateOnly(2024, 1, 10), FiledAt = DateTime.UtcNow, FiledBy = "bench" });
                task.Progress.Add(new ProgressUpdate { UnitId = unit.Id, Status = ProgressStatus.InProgress, Percent = 50, Date = new DateOnly(2024, 3, 1), FiledAt = DateTime.UtcNow, FiledBy = "bench" });
                plan.Tasks.Add(task);
            }
            db.Plans.Add(plan);
            db.PeriodicReports.Add(new PeriodicReport
            {
                UnitId = unit.Id, Year = 2024, Period = ReportingPeriodKind.Q1, Status = ReportStatus.Submitted, SubmittedAt = new DateTime(2024, 3, 12), SubmittedBy = "bench",
                Sections = ReformAreas.All.Select(a => new ReportSection { Area = a.Key, Text = text }).ToList(),
            });
            await db.SaveChangesAsync();
        }
    }

    [Benchmark]
    public async Task<long> ConsolidatedDocx200Units()
    {
        var c = await Consolidations.LoadAsync(db, q1, asOf);
        using var ms = new MemoryStream();
        ReportWord.Write(c, asOf, ms);
        return ms.Length;
    }

    [Benchmark]
    public async Task<long> ConsolidatedXlsx200Units()
    {
        var c = await Consolidations.LoadAsync(db, q1, asOf);
        using var ms = new MemoryStream();
        ReportExcel.Write(c, ms);
        return ms.Length;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        db.Dispose();
        SqliteConnection.ClearAllPools();
        File.Delete(file);
    }
}
