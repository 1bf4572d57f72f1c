using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChiSo;
using ChiSo.Data;
using ChiSo.Features.Reports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// In the global namespace, like the top-level Program, so Program.cs adds the verbs without a using.

/// <summary>CLI verbs for periodic reports: `reports periods`, `reports status`, `reports consolidated`.</summary>
public static class ReportCommands
{
    static readonly JsonSerializerOptions Json = new()
    {
        // Vietnamese stays readable instead of \u escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static void Add(RootCommand root)
    {
        // The same configuration as the rest of the CLI: Database:Provider and ConnectionStrings:ChiSo from the
        // environment (ConnectionStrings__ChiSo), Reports:DueDaysAfterWindowEnd for the due-date rule.
        var config = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var schedule = ReportingSchedule.From(config);
        var reports = new Command("reports", "Báo cáo CCHC định kỳ: kỳ báo cáo, tình hình gửi, báo cáo tổng hợp.");

        {
            var year = new Argument<int>("year") { Description = "Năm báo cáo" };
            var json = new Option<bool>("--json") { Description = "In JSON" };
            var periods = new Command("periods", "Các kỳ báo cáo của một năm: thời gian chốt số liệu và hạn gửi.") { year, json };
            periods.SetAction(p =>
            {
                var y = p.GetValue(year);
                if (y is < 2000 or > 2100) { Console.Error.WriteLine($"Năm không hợp lệ: {y}."); return 2; }
                var list = schedule.Periods(y);
                if (p.GetValue(json)) { Console.WriteLine(JsonSerializer.Serialize(list, Json)); return 0; }
                foreach (var r in list)
                    Console.WriteLine($"{r.Key,-5} {ViText.Date(r.Start)} – {ViText.Date(r.End)}  hạn gửi {ViText.Date(r.Due)}  {r.Name}");
                return 0;
            });
            reports.Subcommands.Add(periods);
        }
        {
            var (year, period, asOf) = PeriodArgs();
            var json = new Option<bool>("--json") { Description = "In JSON" };
            var status = new Command("status", "Tình hình gửi báo cáo của các đơn vị trong một kỳ.") { year, period, asOf, json };
            status.SetAction(async p => await WithPeriod(config, schedule, p.GetValue(year), p.GetValue(period)!, async (db, r) =>
            {
                var d = await Consolidations.DashboardAsync(db, r, p.GetValue(asOf) ?? ReportingSchedule.Today(TimeProvider.System));
                if (p.GetValue(json)) { Console.WriteLine(JsonSerializer.Serialize(d, Json)); return 0; }
                Console.WriteLine($"{r.Name}: {d.Submitted}/{d.Units} đã gửi, {d.Drafts} đang soạn, {d.Missing} chưa lập, {d.Late} chậm gửi (đến {ViText.Date(d.AsOf)}).");
                foreach (var row in d.Rows)
                    Console.WriteLine($"{row.Unit,-14} {row.Status,-10} {(row.Late ? "chậm" : ""),-5} {row.Name}");
                return 0;
            }));
            reports.Subcommands.Add(status);
        }
        {
            var (year, period, asOf) = PeriodArgs();
            var output = new Option<string>("--out", "-o") { Description = "Tệp ra: .docx (Word) hoặc .xlsx (Excel)", Required = true };
            var consolidated = new Command("consolidated", "Báo cáo tổng hợp của một kỳ, từ các báo cáo đơn vị đã gửi.") { year, period, asOf, output };
            consolidated.SetAction(async p => await WithPeriod(config, schedule, p.GetValue(year), p.GetValue(period)!, async (db, r) =>
            {
                var path = p.GetValue(output)!;
                var word = path.EndsWith(".docx", StringComparison.OrdinalIgnoreCase);
                if (!word && !path.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase))
                {
                    Console.Error.WriteLine("Tệp ra phải là .docx hoặc .xlsx.");
                    return 2;
                }
                var day = p.GetValue(asOf) ?? ReportingSchedule.Today(TimeProvider.System);
                var c = await Consolidations.LoadAsync(db, r, day);
                // Word needs a seekable stream; the file is small, so build it in memory.
                using var buffer = new MemoryStream();
                if (word) ReportWord.Write(c, day, buffer);
                else ReportExcel.Write(c, buffer);
                await File.WriteAllBytesAsync(path, buffer.ToArray());
                Console.WriteLine($"Đã ghi {path}: {c.Filing.Submitted}/{c.Filing.Units} đơn vị đã gửi báo cáo {r.Phrase}.");
                return 0;
            }));
            reports.Subcommands.Add(consolidated);
        }
        root.Subcommands.Add(reports);
    }

    static (Argument<int> Year, Argument<string> Period, Option<DateOnly?> AsOf) PeriodArgs() => (
        new Argument<int>("year") { Description = "Năm báo cáo" },
        new Argument<string>("period") { Description = "Kỳ: Q1, H1 (6 tháng), Q3 (9 tháng), Year" },
        new Option<DateOnly?>("--as-of") { Description = "Tính chậm gửi đến ngày này (yyyy-mm-dd); mặc định hôm nay" });

    static async Task<int> WithPeriod(IConfiguration config, ReportingSchedule schedule, int year, string period, Func<ChiSoDb, ReportingPeriod, Task<int>> work)
    {
        if (year is < 2000 or > 2100) { Console.Error.WriteLine($"Năm không hợp lệ: {year}."); return 2; }
        if (ReportingSchedule.ParseKind(period) is not { } kind) { Console.Error.WriteLine($"Kỳ báo cáo '{period}' không hợp lệ (Q1, H1, Q3, Year)."); return 2; }
        await using var services = new ServiceCollection().AddChiSoData(config).BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
        await BuiltInData.MigrateAndSeedIfEmptyAsync(db, TimeProvider.System);
        return await work(db, schedule.Period(year, kind));
    }
}
