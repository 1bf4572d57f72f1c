using System.CommandLine;
using ChiSo;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// In the global namespace, like the top-level Program, so Program.cs adds the verbs without a using.

/// <summary>CLI verbs that write the assessment's documents: `export &lt;cycleId&gt; --ranking out.xlsx|out.docx`,
/// `scorecard &lt;cycleId&gt; &lt;unit&gt; out.docx|out.pdf`, `heatmap &lt;cycleId&gt; out.xlsx`. The operator acts as the
/// standing agency (<see cref="Actor.Cli"/>).</summary>
public static class AssessmentExportCommands
{
    /// <summary>Adds `export`, `scorecard` and `heatmap` to the `cycle` verb.</summary>
    public static void AddTo(Command command)
    {
        var config = new ConfigurationBuilder().AddEnvironmentVariables().Build();

        {
            var cycle = CycleArg();
            var ranking = new Option<string>("--ranking") { Description = "Tệp bảng xếp hạng: .xlsx hoặc .docx", Required = true };
            var export = new Command("export", "Xuất bảng xếp hạng của kỳ đánh giá (Excel mỗi nhóm một trang tính, hoặc Word phụ lục kèm quyết định).") { cycle, ranking };
            export.SetAction(async p => await WithService(config, p, async (s, actor) =>
            {
                var path = p.GetValue(ranking)!;
                var word = Extension(path, ".docx");
                if (!word && !Extension(path, ".xlsx")) return Usage("Tệp bảng xếp hạng phải là .xlsx hoặc .docx.");
                var r = await s.RankingAsync(p.GetValue(cycle), actor);
                if (!r.Ok) return Fail(r.Error!);
                return Save(path, w => { if (word) AssessmentWord.WriteRanking(r.Value, w); else AssessmentExcel.WriteRanking(r.Value, w); });
            }));
            command.Subcommands.Add(export);
        }
        {
            var cycle = CycleArg();
            var unit = new Argument<string>("unit") { Description = "Mã hoặc tên đơn vị (SNV, \"Sở Nội vụ\")" };
            var output = new Argument<string>("out") { Description = "Tệp ra: .docx hoặc .pdf" };
            var scorecard = new Command("scorecard", "Phiếu kết quả của một đơn vị (Word hoặc PDF).") { cycle, unit, output };
            scorecard.SetAction(async p => await WithService(config, p, async (s, actor) =>
            {
                var path = p.GetValue(output)!;
                var pdf = Extension(path, ".pdf");
                if (!pdf && !Extension(path, ".docx")) return Usage("Tệp phiếu kết quả phải là .docx hoặc .pdf.");
                var card = await s.ScorecardAsync(p.GetValue(cycle), p.GetValue(unit)!, actor);
                if (!card.Ok) return Fail(card.Error!);
                var today = DateOnly.FromDateTime(DateTime.UtcNow + ViText.VietnamOffset);
                return Save(path, w => { if (pdf) ScorecardPdf.Write(card.Value, w); else AssessmentWord.WriteScorecard(card.Value, today, w); });
            }));
            command.Subcommands.Add(scorecard);
        }
        {
            var cycle = CycleArg();
            var output = new Argument<string>("out") { Description = "Tệp Excel ra (.xlsx)" };
            var heatmap = new Command("heatmap", "Bản đồ nhiệt điểm bị mất: tiêu chí × đơn vị, mỗi nhóm một trang tính.") { cycle, output };
            heatmap.SetAction(async p => await WithService(config, p, async (s, actor) =>
            {
                var path = p.GetValue(output)!;
                if (!Extension(path, ".xlsx")) return Usage("Bản đồ nhiệt xuất ra tệp .xlsx.");
                var maps = await s.HeatMapAsync(p.GetValue(cycle), actor);
                if (!maps.Ok) return Fail(maps.Error!);
                return Save(path, w => AssessmentExcel.WriteHeatMap(maps.Value, w));
            }));
            command.Subcommands.Add(heatmap);
        }
    }

    static Argument<int> CycleArg() => new("cycleId") { Description = "Số của kỳ đánh giá" };

    static bool Extension(string path, string ext) => path.EndsWith(ext, StringComparison.OrdinalIgnoreCase);

    static int Usage(string message) { Console.Error.WriteLine(message); return 2; }

    static int Fail(string message) { Console.Error.WriteLine(message); return 1; }

    /// <summary>Writes to memory first, so a failure leaves no half-written file behind.</summary>
    static int Save(string path, Action<Stream> write)
    {
        using var ms = new MemoryStream();
        write(ms);
        File.WriteAllBytes(path, ms.ToArray());
        Console.WriteLine($"Đã ghi {path}");
        return 0;
    }

    static async Task<int> WithService(IConfiguration config, ParseResult parse, Func<AssessmentService, Actor, Task<int>> work)
    {
        await using var services = new ServiceCollection().AddChiSoData(config).BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
        await BuiltInData.MigrateAndSeedIfEmptyAsync(db, TimeProvider.System);
        return await work(new AssessmentService(db, TimeProvider.System), await CliActor.ResolveAsync(parse, db));
    }
}
