using System.CommandLine;
using ChiSo;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Surveys;

// In the global namespace, like SurveyCommands, which adds these under `survey`.

/// <summary>`./chiso survey score &lt;round&gt; [--json] [--xlsx file] [--publish framework]`: the round's scores from the
/// same code as the API.</summary>
public static class SurveyScoreCommand
{
    public static void Add(Command survey)
    {
        var round = new Argument<int>("round") { Description = "Số đợt khảo sát" };
        var json = new Option<bool>("--json") { Description = "In JSON (như GET /api/surveys/rounds/{id}/scores)" };
        var xlsx = new Option<string?>("--xlsx") { Description = "Ghi kết quả ra tệp Excel" };
        var responses = new Option<string?>("--responses-xlsx") { Description = "Ghi toàn bộ phiếu trả lời ra tệp Excel" };
        var publish = new Option<string?>("--publish") { Description = "Đưa kết quả vào bộ chỉ số này (sipas; par-province chỉ là tạm thời cho sở, quận)" };
        var cmd = new Command("score", "Chấm điểm đợt khảo sát: theo đơn vị, nhóm, câu hỏi, tiêu chí; SIPAS theo thành phần, lĩnh vực, chung.")
        {
            round, json, xlsx, responses, publish,
        };
        cmd.SetAction(async (p, ct) => await SurveyCommands.WithDbAsync(async db =>
        {
            var id = p.GetValue(round);
            var actor = await CliActor.ResolveAsync(p, db, ct);
            var scores = await RoundScoring.ScoreAsync(db, id, actor, ct);
            if (scores is null) { Console.Error.WriteLine($"Không có đợt khảo sát số {id}."); return 2; }
            if (p.GetValue(xlsx) is { } path)
            {
                await using var file = File.Create(path);
                ScoringExcel.Write(scores, file);
                Console.Error.WriteLine($"Đã ghi {path}");
            }
            if (p.GetValue(responses) is { } rpath)
            {
                await using var file = File.Create(rpath);
                await ResponseExport.WriteAsync(db, id, file, actor, ct);
                Console.Error.WriteLine($"Đã ghi {rpath}");
            }
            if (p.GetValue(publish) is { } framework)
            {
                var importer = new FrameworkImporter(db, TimeProvider.System);
                var report = (await ScoringPublish.PublishAsync(db, importer, id, framework, actor, ct))!;
                if (!report.Succeeded)
                {
                    Console.Error.WriteLine("Không công bố được, không có gì được ghi:");
                    foreach (var problem in report.Problems) Console.Error.WriteLine("  " + problem);
                    return 1;
                }
                Console.Error.WriteLine($"Đã đưa {report.Scores} điểm vào bộ chỉ số {framework}.");
            }
            if (p.GetValue(json))
            {
                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(scores, SurveyCommands.Json));
                return 0;
            }
            Console.WriteLine($"{scores.Name} ({scores.Year}) — {scores.Responses:N0} phiếu được tính");
            foreach (var u in scores.Units)
            {
                Console.WriteLine($"{u.Code,-12} {u.Responses,7:N0}/{u.Planned?.ToString("N0", ViText.Vi) ?? "—",-7} {(u.Warning ? "⚠ thiếu mẫu" : ""),-12} {u.Name}");
                foreach (var c in u.Criteria)
                    Console.WriteLine($"    {c.Code,-8} {ViText.Num(c.Points),8} / {ViText.Num(c.Max),-4} ±{c.Margin?.ToString("0.####", ViText.Vi) ?? "—"}  n={c.N}{(c.Warning ? " ⚠" : "")}");
                if (u.Sipas is { } s)
                {
                    foreach (var l in s.Areas.Concat(s.Components))
                        Console.WriteLine($"    {l.Code,-8} {l.Percent.Value?.ToString("0.00", ViText.Vi) ?? "—",7} % ±{l.Percent.Margin?.ToString("0.00", ViText.Vi) ?? "—"}  n={l.Percent.N}");
                    Console.WriteLine($"    {"SIPAS",-8} {s.Overall.Value?.ToString("0.00", ViText.Vi) ?? "—",7} % ±{s.Overall.Margin?.ToString("0.00", ViText.Vi) ?? "—"}  n={s.Overall.N}");
                }
            }
            return 0;
        }, ct));
        survey.Subcommands.Add(cmd);
    }
}
