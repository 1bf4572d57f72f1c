using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ChiSo;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using Microsoft.EntityFrameworkCore;

// In the global namespace, like the top-level Program, so Program.cs adds the verbs without a using.

/// <summary>`./chiso cycle ...`: the annual unit assessment from the command line. The operator acts as the
/// standing agency unless <c>--as user</c> names an account, whose roles and unit then apply as on the web.</summary>
public static class CycleCommands
{
    public static Command Cycle { get; } = new("cycle", "Đánh giá Chỉ số CCHC các đơn vị: kỳ đánh giá, tự chấm, thẩm định, giải trình, Hội đồng, xếp hạng, công bố.");

    static Option<bool> JsonOption() => new("--json") { Description = "In JSON" };
    static Argument<int> CycleArg() => new("cycle") { Description = "Số của kỳ đánh giá" };
    static Argument<string> UnitArg() => new("unit") { Description = "Mã hoặc tên đơn vị" };
    static Argument<string> CodeArg() => new("code") { Description = "Mã tiêu chí, ví dụ 2.1" };

    public static void Add(RootCommand root)
    {
        Create(); List(); Show(); Open(); Assign(); UnitView(); Score(); AddEvidence(); Submit(); Reopen();
        Appraise(); SendAppraisal(); Explain(); FinishExplanation(); Finalise(); SurveyPoints(); SurveyRound(); Compute(); Publish();
        AssessmentExportCommands.AddTo(Cycle);
        root.Subcommands.Add(Cycle);
    }

    /// <summary>Runs one service action as the CLI operator or the named account, and prints the result or the refusal.</summary>
    static async Task<int> Act<T>(ParseResult parse, bool json, Func<AssessmentService, Actor, ChiSoDb, Task<Outcome<T>>> action, Action<T> print, CancellationToken ct) =>
        await SurveyCommands.WithDbAsync(async db =>
        {
            var actor = await CliActor.ResolveAsync(parse, db, ct);
            var outcome = await action(new AssessmentService(db, TimeProvider.System), actor, db);
            if (!outcome.Ok)
            {
                if (outcome.Failure!.Current is SurveyPointsReport report)
                {
                    Console.Error.WriteLine("Dữ liệu không hợp lệ, không có gì được ghi:");
                    foreach (var p in report.Problems) Console.Error.WriteLine($"  dòng {p.Row}: {p.Message}");
                    if (report.More is { } more) Console.Error.WriteLine("  " + more);
                }
                else Console.Error.WriteLine(outcome.Error);
                return outcome.Failure.Kind is FailureKind.NotFound ? 2 : 1;
            }
            if (json) Console.WriteLine(JsonSerializer.Serialize(outcome.Value, SurveyCommands.Json));
            else print(outcome.Value);
            return 0;
        }, ct);

    static void PrintSummary(CycleSummary c)
    {
        Console.WriteLine($"Kỳ {c.Id}: {c.Name} ({c.Year}) — {c.StatusLabel}. Hạn tự đánh giá {ViText.DateTime(c.SelfAssessmentDue)}; " +
            $"thẩm định {ViText.Date(c.AppraisalFrom)}–{ViText.Date(c.AppraisalTo)}; giải trình {c.ExplanationDays} ngày.");
        foreach (var g in c.Groups) Console.WriteLine($"  Nhóm {g.Name}: {g.Framework} {g.Version}");
        Console.WriteLine($"  {c.Submitted}/{c.Units.Count} đơn vị đã gửi, {c.Late} chậm.");
        foreach (var u in c.Units)
            Console.WriteLine($"  {u.Code,-14} {u.StageLabel,-30} {u.Answered,3}/{u.Criteria,-3} đã chấm {u.Appraised,3} đã thẩm định{(u.Late ? "  CHẬM" : "")}  {u.Name}");
    }

    static void PrintUnit(UnitAssessment a)
    {
        Console.WriteLine($"{a.UnitName} — {a.CycleName} — {a.StageLabel}. Đã chấm {a.Progress.Answered}/{a.Progress.Criteria}, thiếu tài liệu {a.Progress.MissingEvidence}.");
        foreach (var i in a.Items)
            Console.WriteLine($"{new string(' ', i.Depth * 2)}{i.Code,-8} {ViText.Num(i.Points),6}/{ViText.Num(i.Max),-6}" +
                (i.IsLeaf ? $" tự chấm {ViText.Num(i.SelfPoints),-5} thẩm định {ViText.Num(i.AppraisedPoints),-5}{(i.MissingEvidence ? " THIẾU TÀI LIỆU" : "")}" : "") + $"  {i.Name}");
        var t = a.Totals;
        Console.WriteLine($"Tổng: {ViText.Num(t.Total)}/{ViText.Num(t.Max)} = {ViText.Num(t.Percent)} % (thẩm định {ViText.Num(t.Appraisal)}, điều tra {ViText.Num(t.Survey)}, thưởng {ViText.Num(t.Bonus)}, trừ {ViText.Num(t.Penalty)}).");
    }

    static void PrintItem(ItemView i) =>
        Console.WriteLine($"Tiêu chí {i.Code}: tự chấm {ViText.Num(i.SelfPoints)}, thẩm định {ViText.Num(i.AppraisedPoints)}, điểm tính {ViText.Num(i.Points)}/{ViText.Num(i.Max)}.");

    static void PrintRanking(Ranking r)
    {
        Console.WriteLine($"{r.Name} ({r.Year}){(r.Provisional ? " — TẠM TÍNH" : " — đã công bố")}");
        foreach (var g in r.Groups)
        {
            Console.WriteLine($"Nhóm {g.Name}:");
            foreach (var row in g.Rows)
                Console.WriteLine($"  {row.RankText,-14} {ViText.Num(row.Totals.Percent),6} %  {ViText.Num(row.Totals.Total),7}/{ViText.Num(row.Totals.Max),-6} {row.Band,-11}" +
                    $"{(row.Change is { } ch ? (ch >= 0 ? "+" : "") + ViText.Num(ch) : ""),8}  {row.UnitName}");
        }
    }

    static void Create()
    {
        var file = new Argument<FileInfo>("spec") { Description = "Tệp JSON: year, name, selfAssessmentDue, appraisalFrom, appraisalTo, explanationDays, groups[{name, framework, version, units[], bands[]}]" };
        var json = JsonOption();
        var cmd = new Command("create", "Tạo kỳ đánh giá từ tệp JSON.") { file, json };
        cmd.SetAction(async (p, ct) =>
        {
            CycleSpec? spec;
            try { spec = JsonSerializer.Deserialize<CycleSpec>(await File.ReadAllTextAsync(p.GetValue(file)!.FullName, ct), SurveyCommands.Json); }
            catch (Exception e) when (e is JsonException or IOException) { Console.Error.WriteLine($"Không đọc được tệp: {e.Message}"); return 2; }
            if (spec is null) { Console.Error.WriteLine("Tệp rỗng."); return 2; }
            return await Act(p, p.GetValue(json), (s, a, _) => s.CreateCycleAsync(spec, a, ct), PrintSummary, ct);
        });
        Cycle.Subcommands.Add(cmd);
    }

    static void List()
    {
        var json = JsonOption();
        var cmd = new Command("list", "Các kỳ đánh giá.") { json };
        cmd.SetAction(async (p, ct) => await Act<List<CycleSummary>>(p, p.GetValue(json), async (s, _, _) => await s.ListCyclesAsync(ct),
            list => { foreach (var c in list) Console.WriteLine($"{c.Id,4}  {c.Year}  {c.StatusLabel,-16} {c.Submitted}/{c.Units.Count} đã gửi  {c.Name}"); }, ct));
        Cycle.Subcommands.Add(cmd);
    }

    static void Show()
    {
        var id = CycleArg(); var json = JsonOption();
        var cmd = new Command("show", "Bảng theo dõi một kỳ: ai đã gửi, ai chậm.") { id, json };
        cmd.SetAction(async (p, ct) => await Act<CycleSummary>(p, p.GetValue(json), async (s, _, db) =>
            await db.Cycles.AnyAsync(c => c.Id == p.GetValue(id), ct) ? await s.SummaryAsync(p.GetValue(id), ct) : Failure.NotFound("kỳ đánh giá"), PrintSummary, ct));
        Cycle.Subcommands.Add(cmd);
    }

    static void Open()
    {
        var id = CycleArg();
        var cmd = new Command("open", "Mở kỳ đánh giá: tạo phiếu tự đánh giá cho từng đơn vị.") { id };
        cmd.SetAction(async (p, ct) => await Act(p, false, (s, a, _) => s.OpenCycleAsync(p.GetValue(id), a, ct), PrintSummary, ct));
        Cycle.Subcommands.Add(cmd);
    }

    static void Assign()
    {
        var id = CycleArg(); var user = new Argument<string>("user") { Description = "Tên đăng nhập của thành viên thẩm định" };
        var unit = new Option<string?>("--unit") { Description = "Đơn vị được phân công (mặc định: mọi đơn vị)" };
        var field = new Option<string?>("--field") { Description = "Lĩnh vực (mã tiêu chí cha, ví dụ 2)" };
        var cmd = new Command("assign", "Phân công thành viên thẩm định.") { id, user, unit, field };
        cmd.SetAction(async (p, ct) => await Act(p, false, (s, a, _) => s.AssignAppraisersAsync(p.GetValue(id),
            [new AssignmentSpec(p.GetValue(user)!, p.GetValue(unit), p.GetValue(field))], a, ct),
            list => { foreach (var l in list) Console.WriteLine($"{l.UserName,-20} {l.Unit ?? "mọi đơn vị",-30} {l.Field ?? "mọi lĩnh vực"}"); }, ct));
        Cycle.Subcommands.Add(cmd);
    }

    static void UnitView()
    {
        var id = CycleArg(); var unit = UnitArg(); var json = JsonOption();
        var cmd = new Command("unit", "Bản đánh giá của một đơn vị.") { id, unit, json };
        cmd.SetAction(async (p, ct) => await Act(p, p.GetValue(json), (s, a, _) => s.GetAsync(p.GetValue(id), p.GetValue(unit)!, a, ct), PrintUnit, ct));
        Cycle.Subcommands.Add(cmd);
    }

    /// <summary>Reads the item's current version first: the CLI saves over what it has just read, like a form would.</summary>
    static async Task<Guid> ConcurrencyAsync(AssessmentService s, int cycle, string unit, string code, Actor a, CancellationToken ct) =>
        (await s.GetAsync(cycle, unit, a, ct)) is { Ok: true } v ? v.Value.Items.FirstOrDefault(i => i.Code == code)?.Concurrency ?? Guid.Empty : Guid.Empty;

    static List<int>? Ids(string? text) => text is null ? null :
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => int.Parse(t, CultureInfo.InvariantCulture))];

    static void Score()
    {
        var id = CycleArg(); var unit = UnitArg(); var code = CodeArg();
        var answer = new Argument<string>("answer") { Description = "Điểm (1,5), Có/Không/KAD, tên mức, hoặc tỷ lệ %" };
        var basis = new Option<string?>("--basis") { Description = "Căn cứ, giải thích" };
        var reason = new Option<string?>("--no-evidence-reason") { Description = "Lý do không có tài liệu kiểm chứng" };
        var evidence = new Option<string?>("--evidence") { Description = "Số tài liệu kiểm chứng, cách nhau bởi dấu phẩy" };
       
        var cmd = new Command("score", "Tự chấm một tiêu chí.") { id, unit, code, answer, basis, reason, evidence };
        cmd.SetAction(async (p, ct) => await Act(p, false, async (s, a, _) =>
        {
            var token = await ConcurrencyAsync(s, p.GetValue(id), p.GetValue(unit)!, p.GetValue(code)!, a, ct);
            return await s.SaveSelfScoreAsync(p.GetValue(id), p.GetValue(unit)!, p.GetValue(code)!,
                new SelfScoreInput(p.GetValue(answer), p.GetValue(basis), p.GetValue(reason), Ids(p.GetValue(evidence)), token), a, ct);
        }, PrintItem, ct));
        Cycle.Subcommands.Add(cmd);
    }

    static void AddEvidence()
    {
        var id = CycleArg(); var unit = UnitArg(); var file = new Argument<FileInfo>("file") { Description = "Tệp PDF, Office hoặc ảnh" };
        var title = new Option<string>("--title") { Description = "Trích yếu", Required = true };
        var number = new Option<string?>("--number") { Description = "Số, ký hiệu văn bản" };
        var date = new Option<string?>("--date") { Description = "Ngày ban hành dd/MM/yyyy" };
        var issuer = new Option<string?>("--issuer") { Description = "Cơ quan ban hành" };
        var replaces = new Option<int?>("--replaces") { Description = "Phiên bản mới của tài liệu số này" };
        var json = JsonOption();
        var cmd = new Command("evidence", "Nộp tài liệu kiểm chứng.") { id, unit, file, title, number, date, issuer, replaces, json };
        cmd.SetAction(async (p, ct) =>
        {
            DateOnly? d = null;
            if (p.GetValue(date) is { } text)
            {
                if (!DateOnly.TryParseExact(text, "dd/MM/yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                { Console.Error.WriteLine($"Ngày '{text}' không đúng dạng dd/MM/yyyy."); return 2; }
                d = parsed;
            }
            var f = p.GetValue(file)!;
            if (!f.Exists) { Console.Error.WriteLine($"Không có tệp {f.FullName}."); return 2; }
            if (f.Length > ChiSo.Features.Files.UploadedFiles.MaxBytes) throw ChiSo.Features.Files.UploadedFiles.TooLarge(f.Name);
            var content = await File.ReadAllBytesAsync(f.FullName, ct);
            return await Act(p, p.GetValue(json), (s, a, _) => s.AddEvidenceAsync(p.GetValue(id), p.GetValue(unit)!,
                new EvidenceInput(p.GetValue(title)!, p.GetValue(number), d, p.GetValue(issuer), p.GetValue(replaces)), f.Name, content, a, ct),
                e => Console.WriteLine($"Tài liệu số {e.Id}: {e.Title} ({e.FileName}, phiên bản {e.Version})."), ct);
        });
        Cycle.Subcommands.Add(cmd);
    }

    static void Submit()
    {
        var id = CycleArg(); var unit = UnitArg();
        var cmd = new Command("submit", "Thủ trưởng gửi bản tự đánh giá.") { id, unit };
        cmd.SetAction(async (p, ct) => await Act(p, false, (s, a, _) => s.SubmitAsync(p.GetValue(id), p.GetValue(unit)!, a, ct),
            u => Console.WriteLine($"{u.UnitName}: {u.StageLabel}."), ct));
        Cycle.Subcommands.Add(cmd);
    }

    static void Reopen()
    {
        var id = CycleArg(); var unit = UnitArg(); var reason = new Option<string>("--reason") { Description = "Lý do mở lại", Required = true };
        var cmd = new Command("reopen", "Mở lại bản tự đánh giá của một đơn vị.") { id, unit, reason };
        cmd.SetAction(async (p, ct) => await Act(p, false, (s, a, _) => s.ReopenAsync(p.GetValue(id), p.GetValue(unit)!, new ReasonInput(p.GetValue(reason)!), a, ct),
            u => Console.WriteLine($"{u.UnitName}: {u.StageLabel}."), ct));
        Cycle.Subcommands.Add(cmd);
    }

    static void Appraise()
    {
        var id = CycleArg(); var unit = UnitArg(); var code = CodeArg();
        var verdict = new Argument<string>("verdict") { Description = "\"accept\" (công nhận) hoặc số điểm điều chỉnh" };
        var reason = new Option<string?>("--reason") { Description = "Lý do (bắt buộc khi điều chỉnh)" };
       
        var cmd = new Command("appraise", "Thẩm định một tiêu chí.") { id, unit, code, verdict, reason };
        cmd.SetAction(async (p, ct) => await Act(p, false, async (s, a, _) =>
        {
            var v = p.GetValue(verdict)!;
            var accept = v is "accept" or "công nhận" or "ok";
            var points = accept ? null : Answers.ParseNumber(v);
            if (!accept && points is null) return Failure.Invalid("verdict", $"\"{v}\" không phải \"accept\" hay một số điểm.");
            var token = await ConcurrencyAsync(s, p.GetValue(id), p.GetValue(unit)!, p.GetValue(code)!, a, ct);
            return await s.AppraiseAsync(p.GetValue(id), p.GetValue(unit)!, p.GetValue(code)!,
                new AppraisalInput(accept ? AppraisalVerdict.Accepted : AppraisalVerdict.Adjusted, points, p.GetValue(reason), token), a, ct);
        }, PrintItem, ct));
        Cycle.Subcommands.Add(cmd);
    }

    static void SendAppraisal()
    {
        var id = CycleArg(); var unit = UnitArg();
        var cmd = new Command("send-appraisal", "Gửi kết quả thẩm định cho đơn vị (mở thời hạn giải trình).") { id, unit };
        cmd.SetAction(async (p, ct) => await Act(p, false, (s, a, _) => s.SendAppraisalAsync(p.GetValue(id), p.GetValue(unit)!, a, ct),
            u => Console.WriteLine($"{u.UnitName}: {u.StageLabel}{(u.ExplanationDue is { } d ? ", hạn giải trình " + ViText.DateTime(d) : "")}."), ct));
        Cycle.Subcommands.Add(cmd);
    }

    static void Explain()
    {
        var id = CycleArg(); var unit = UnitArg(); var code = CodeArg(); var text = new Argument<string>("text") { Description = "Nội dung giải trình" };
        var evidence = new Option<string?>("--evidence") { Description = "Số tài liệu kiểm chứng mới, cách nhau bởi dấu phẩy" };
       
        var cmd = new Command("explain", "Giải trình một tiêu chí bị điều chỉnh.") { id, unit, code, text, evidence };
        cmd.SetAction(async (p, ct) => await Act(p, false, async (s, a, _) =>
        {
            var token = await ConcurrencyAsync(s, p.GetValue(id), p.GetValue(unit)!, p.GetValue(code)!, a, ct);
            return await s.ExplainAsync(p.GetValue(id), p.GetValue(unit)!, p.GetValue(code)!, new ExplanationInput(p.GetValue(text)!, Ids(p.GetValue(evidence)), token), a, ct);
        }, PrintItem, ct));
        Cycle.Subcommands.Add(cmd);
    }

    static void FinishExplanation()
    {
        var id = CycleArg(); var unit = UnitArg();
        var cmd = new Command("finish-explanation", "Thủ trưởng gửi giải trình.") { id, unit };
        cmd.SetAction(async (p, ct) => await Act(p, false, (s, a, _) => s.FinishExplanationAsync(p.GetValue(id), p.GetValue(unit)!, a, ct),
            u => Console.WriteLine($"{u.UnitName}: {u.StageLabel}."), ct));
        Cycle.Subcommands.Add(cmd);
    }

    static void Finalise()
    {
        var id = CycleArg();
        var reference = new Option<string>("--reference") { Description = "Số biên bản/quyết định của Hội đồng", Required = true };
        var members = new Option<int>("--members") { Description = "Số thành viên Hội đồng", Required = true };
        var present = new Option<int>("--present") { Description = "Số thành viên có mặt", Required = true };
        var date = new Option<string?>("--date") { Description = "Ngày họp dd/MM/yyyy (mặc định: hôm nay)" };
        var note = new Option<string?>("--note") { Description = "Ghi chú" };
        var cmd = new Command("finalise", "Hội đồng chốt kết quả thẩm định.") { id, reference, members, present, date, note };
        cmd.SetAction(async (p, ct) =>
        {
            var d = DateOnly.FromDateTime(DateTime.UtcNow + ViText.VietnamOffset);
            if (p.GetValue(date) is { } text && !DateOnly.TryParseExact(text, "dd/MM/yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out d))
            { Console.Error.WriteLine($"Ngày '{text}' không đúng dạng dd/MM/yyyy."); return 2; }
            return await Act(p, false, (s, a, _) => s.FinaliseAsync(p.GetValue(id),
                new CouncilInput(d, p.GetValue(reference)!, p.GetValue(members), p.GetValue(present), p.GetValue(note), null), a, ct), PrintSummary, ct);
        });
        Cycle.Subcommands.Add(cmd);
    }

    static void SurveyPoints()
    {
        var id = CycleArg(); var file = new Argument<FileInfo>("file") { Description = "Excel: cột Đơn vị, Mã tiêu chí, Điểm" };
        var source = new Option<string?>("--source") { Description = "Nguồn điểm (mặc định: tên tệp)" };
       
        var cmd = new Command("survey-points", "Nhập điểm điều tra xã hội học (tất cả hoặc không).") { id, file, source };
        cmd.SetAction(async (p, ct) =>
        {
            var f = p.GetValue(file)!;
            if (!f.Exists) { Console.Error.WriteLine($"Không có tệp {f.FullName}."); return 2; }
            await using var stream = f.OpenRead();
            var (rows, error) = SurveyPointsFile.Read(stream);
            if (error is not null) { Console.Error.WriteLine(error); return 1; }
            return await Act(p, false, (s, a, _) => s.SetSurveyPointsAsync(p.GetValue(id), new SurveyPointsInput(p.GetValue(source) ?? f.Name, rows!, SurveyPointsFile.FirstRow), a, ct),
                r => Console.WriteLine($"Đã nhập {r.Rows} dòng điểm điều tra."), ct);
        });
        Cycle.Subcommands.Add(cmd);
    }

    static void SurveyRound()
    {
        var id = CycleArg(); var round = new Argument<int>("round") { Description = "Số của đợt điều tra xã hội học" };
       
        var cmd = new Command("survey-round", "Lấy điểm điều tra xã hội học từ một đợt khảo sát trong ChiSo.") { id, round };
        cmd.SetAction(async (p, ct) => await Act(p, false, (s, a, _) => s.SurveyPointsFromRoundAsync(p.GetValue(id), p.GetValue(round), a, ct),
            r => Console.WriteLine($"Đã nhập {r.Rows} điểm tiêu chí từ đợt khảo sát."), ct));
        Cycle.Subcommands.Add(cmd);
    }

    static void Compute()
    {
        var id = CycleArg(); var json = JsonOption();
        var cmd = new Command("compute", "Tổng hợp và xếp hạng (tạm tính trước khi công bố).") { id, json };
        cmd.SetAction(async (p, ct) => await Act(p, p.GetValue(json), (s, a, _) => s.RankingAsync(p.GetValue(id), a, ct), PrintRanking, ct));
        Cycle.Subcommands.Add(cmd);
    }

    static void Publish()
    {
        var id = CycleArg(); var date = new Option<string?>("--date") { Description = "Ngày công bố dd/MM/yyyy (mặc định: hôm nay)" };
        var cmd = new Command("publish", "Công bố kết quả: khoá điểm, ghi vào bộ chỉ số, mở trang xếp hạng công khai.") { id, date };
        cmd.SetAction(async (p, ct) =>
        {
            var d = DateOnly.FromDateTime(DateTime.UtcNow + ViText.VietnamOffset);
            if (p.GetValue(date) is { } text && !DateOnly.TryParseExact(text, "dd/MM/yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out d))
            { Console.Error.WriteLine($"Ngày '{text}' không đúng dạng dd/MM/yyyy."); return 2; }
            return await Act(p, false, (s, a, _) => s.PublishAsync(p.GetValue(id), d, a, ct), PrintRanking, ct);
        });
        Cycle.Subcommands.Add(cmd);
    }
}
