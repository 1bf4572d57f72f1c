using System.CommandLine;
using ChiSo.Features.Surveys;

// In the global namespace, like the other verbs.

/// <summary>`./chiso survey import &lt;round&gt; &lt;file&gt; [--second file] [--as user]`: paper forms from CSV or Excel, all or
/// nothing, with the row-by-row report; with --second, the double entry must match cell for cell first.</summary>
public static class SurveyImportCommand
{
    public static void Add(Command survey)
    {
        var round = new Argument<int>("round") { Description = "Số đợt khảo sát" };
        var file = new Argument<string>("file") { Description = "Tệp .csv hoặc .xlsx: cột Đơn vị, Nhóm, rồi một cột cho mỗi mã câu hỏi" };
        var second = new Option<string?>("--second") { Description = "Tệp nhập lần 2 của cùng tập phiếu (nhập kép): phải khớp từng ô" };
        var cmd = new Command("import", "Nhập phiếu giấy từ CSV/Excel; tệp có lỗi bị từ chối toàn bộ kèm báo cáo từng dòng.") { round, file, second };
        cmd.SetAction(async (p, ct) => await SurveyCommands.WithDbAsync(async db =>
        {
            var path = p.GetValue(file)!;
            await using var stream = File.OpenRead(path);
            await using var other = p.GetValue(second) is { } s ? File.OpenRead(s) : null;
            // On a terminal, a line that counts the rows as they are checked and stored.
            var progress = Console.IsErrorRedirected ? null
                : new ConsoleProgress<PaperImportProgress>(x => Console.Error.Write($"\rĐã kiểm tra {x.Checked.ToString("N0", ChiSo.ViText.Vi)}/{x.Rows.ToString("N0", ChiSo.ViText.Vi)} dòng"));
            var report = await PaperImport.ImportAsync(db, p.GetValue(round), path, stream, await CliActor.ResolveAsync(p, db, ct), TimeProvider.System, other, progress, ct);
            if (progress is { Reported: true }) Console.Error.WriteLine();
            if (report.Succeeded)
            {
                Console.WriteLine($"Đã nhập {report.Rows} phiếu giấy (lô số {report.BatchId}); {report.Flagged} phiếu bị gắn cờ chờ xem xét.");
                return 0;
            }
            if (report.Differences.Count > 0)
            {
                Console.Error.WriteLine($"Hai lần nhập khác nhau ở {report.Differences.Count} ô; không có gì được ghi:");
                foreach (var d in report.Differences) Console.Error.WriteLine("  " + d);
            }
            else
            {
                Console.Error.WriteLine($"Tệp bị từ chối, không có gì được ghi. {report.Problems.Count} lỗi:");
                foreach (var problem in report.Problems) Console.Error.WriteLine("  " + problem);
            }
            if (report.More is { } more) Console.Error.WriteLine("  " + more);
            return 1;
        }, ct));
        survey.Subcommands.Add(cmd);

        var templateRound = new Argument<int>("round") { Description = "Số đợt khảo sát" };
        var output = new Argument<string>("file") { Description = "Tệp .xlsx sẽ ghi" };
        var template = new Command("paper-template", "Ghi tệp Excel mẫu để nhập phiếu giấy của một đợt: các cột, hướng dẫn từng câu, mã đơn vị và nhóm.")
            { templateRound, output };
        template.SetAction(async (p, ct) => await SurveyCommands.WithDbAsync(async db =>
        {
            if (await CollectionForms.LoadAsync(db, p.GetValue(templateRound), ct) is not { } form)
            {
                Console.Error.WriteLine("Không có đợt khảo sát này.");
                return 1;
            }
            await using (var file = File.Create(p.GetValue(output)!)) PaperImport.WriteTemplate(form, file);
            Console.WriteLine($"Đã ghi {p.GetValue(output)}: {form.Questions.Count()} cột câu hỏi.");
            return 0;
        }, ct));
        survey.Subcommands.Add(template);
    }
}

/// <summary>Reports on the thread that reports (a Progress&lt;T&gt; would post to the thread pool and print out of order).</summary>
sealed class ConsoleProgress<T>(Action<T> report) : IProgress<T>
{
    public bool Reported { get; private set; }

    public void Report(T value)
    {
        Reported = true;
        report(value);
    }
}
