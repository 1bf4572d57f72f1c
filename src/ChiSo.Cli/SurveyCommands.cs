using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChiSo;
using ChiSo.Data;
using ChiSo.Features.Surveys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// In the global namespace, like the top-level Program, so Program.cs adds the verbs without a using.

/// <summary>`./chiso survey ...`: one method per subcommand, each adding itself to <see cref="Survey"/>. To add a
/// subcommand, write a method like <see cref="AddRounds"/> and call it from <see cref="Add"/>.</summary>
public static class SurveyCommands
{
    public static Command Survey { get; } = new("survey", "Khảo sát: phiếu, đợt khảo sát, kế hoạch mẫu, mã một lần, thu thập, chấm điểm.");

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Vietnamese stays readable instead of \u escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(), new InstantJson(), new NfcJson() },
    };

    public static void Add(RootCommand root)
    {
        AddQuestionnaires();
        AddQuestionnaireImport();
        AddQuestionnaireExport();
        AddSampleSize();
        AddRounds();
        AddCreateRound();
        AddQuota();
        AddStatus();
        AddTokens();
        SurveyScoreCommand.Add(Survey);
        SurveyImportCommand.Add(Survey);
        root.Subcommands.Add(Survey);
    }

    /// <summary>Runs <paramref name="work"/> on the database the other verbs use (Database:Provider,
    /// ConnectionStrings:ChiSo from the environment), migrated and seeded on first use.</summary>
    public static Task<int> WithDbAsync(Func<ChiSoDb, Task<int>> work, CancellationToken ct) => WithDbAsync((db, _) => work(db), ct);

    public static async Task<int> WithDbAsync(Func<ChiSoDb, IServiceProvider, Task<int>> work, CancellationToken ct)
    {
        var config = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        await using var services = new ServiceCollection().AddChiSoData(config).BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
        await BuiltInData.MigrateAndSeedIfEmptyAsync(db, TimeProvider.System, ct);
        return await work(db, scope.ServiceProvider);
    }

    static Option<bool> JsonOption() => new("--json") { Description = "In JSON" };

    static void WriteJson<T>(T value) => Console.WriteLine(JsonSerializer.Serialize(value, Json));

    static int Refused(Dictionary<string, string[]> errors)
    {
        foreach (var (field, messages) in errors)
            foreach (var m in messages) Console.Error.WriteLine($"{field}: {m}");
        return 1;
    }

    static void AddQuestionnaires()
    {
        var json = JsonOption();
        var cmd = new Command("questionnaires", "Các phiếu khảo sát và phiên bản.") { json };
        cmd.SetAction(async (p, ct) => await WithDbAsync(async db =>
        {
            var list = await SurveyDesignApi.QuestionnairesAsync(db, ct);
            if (p.GetValue(json)) { WriteJson(list); return 0; }
            foreach (var q in list)
                Console.WriteLine($"{q.Id,4}  {q.Key,-18} {q.Version,-8} {q.Questions,4} câu  {q.Groups,2} nhóm ({q.ClosedGroups} kín)  {q.Name}");
            return 0;
        }, ct));
        Survey.Subcommands.Add(cmd);
    }

    static void AddQuestionnaireImport()
    {
        var file = new Argument<string>("file") { Description = "Tệp .xlsx (trang Câu hỏi, Thông tin, Nhóm) hoặc .json" };
        var cmd = new Command("questionnaire-import", "Nhập một phiên bản phiếu; tệp có lỗi bị từ chối toàn bộ kèm báo cáo từng dòng.") { file };
        cmd.SetAction(async (p, ct) => await WithDbAsync(async db =>
        {
            var path = p.GetValue(file)!;
            await using var stream = File.OpenRead(path);
            var importer = new QuestionnaireImporter(db);
            QuestionnaireImport report;
            if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                if (stream.Length > QuestionnaireExcel.Limits.MaxBytes) throw QuestionnaireExcel.Limits.TooManyBytes(Path.GetFileName(path));
                var doc = await JsonSerializer.DeserializeAsync<QuestionnaireDocument>(stream, Json, ct);
                if (doc is null) { Console.Error.WriteLine("Tệp rỗng."); return 1; }
                report = await importer.ImportAsync(doc, await CliActor.ResolveAsync(p, db, ct), ct);
            }
            else report = await QuestionnaireExcel.ImportAsync(importer, stream, await CliActor.ResolveAsync(p, db, ct), ct);
            if (!report.Succeeded)
            {
                Console.Error.WriteLine($"Tệp bị từ chối, không có gì được ghi. {report.Problems.Count} lỗi:");
                foreach (var problem in report.Problems) Console.Error.WriteLine("  " + problem);
                if (report.More is { } more) Console.Error.WriteLine("  " + more);
                return 1;
            }
            Console.WriteLine($"Đã nhập phiếu số {report.QuestionnaireId}: {report.Questions} câu hỏi.");
            return 0;
        }, ct));
        Survey.Subcommands.Add(cmd);
    }

    static void AddQuestionnaireExport()
    {
        var key = new Argument<string>("key") { Description = "Mã phiếu: sipas, par-sociological, ..." };
        var version = new Option<string?>("--version") { Description = "Phiên bản (mặc định: mới nhất)" };
        var output = new Option<string>("--out", "-o") { Description = "Tệp ra: .xlsx hoặc .json", Required = true };
        var cmd = new Command("questionnaire-export", "Xuất một phiên bản phiếu ra Excel hoặc JSON.") { key, version, output };
        cmd.SetAction(async (p, ct) => await WithDbAsync(async db =>
        {
            var k = p.GetValue(key)!; var v = p.GetValue(version); var path = p.GetValue(output)!;
            var id = await db.Questionnaires.Where(q => q.Key == k && (v == null || q.Version == v)).OrderByDescending(q => q.Id).Select(q => (int?)q.Id).FirstOrDefaultAsync(ct);
            if (id is null || await QuestionnaireImporter.DocumentAsync(db, id.Value, ct) is not { } doc)
            {
                Console.Error.WriteLine($"Không có phiếu '{k}'{(v is null ? "" : $" phiên bản {v}")}.");
                return 2;
            }
            await using var file = File.Create(path);
            if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) await JsonSerializer.SerializeAsync(file, doc, Json, ct);
            else QuestionnaireExcel.Write(doc, file);
            Console.WriteLine($"Đã ghi {path}");
            return 0;
        }, ct));
        Survey.Subcommands.Add(cmd);
    }

    static void AddSampleSize()
    {
        var population = new Argument<int>("population") { Description = "Quy mô tổng thể N" };
        var margin = new Option<decimal>("--margin") { Description = "Sai số e (mặc định 0.05)", DefaultValueFactory = _ => 0.05m };
        var cmd = new Command("sample-size", "Cỡ mẫu theo công thức của Bộ Nội vụ: n = N / (1 + N·e²).") { population, margin };
        cmd.SetAction(p =>
        {
            var (n, e) = (p.GetValue(population), p.GetValue(margin));
            if (n < 0 || e is <= 0 or >= 0.5m) { Console.Error.WriteLine("N phải ≥ 0 và 0 < e < 0,5."); return 2; }
            Console.WriteLine(Rounds.Target(n, e).ToString(CultureInfo.InvariantCulture));
            return 0;
        });
        Survey.Subcommands.Add(cmd);
    }

    static void AddRounds()
    {
        var year = new Option<int?>("--year") { Description = "Chỉ các đợt của năm này" };
        var json = JsonOption();
        var cmd = new Command("rounds", "Các đợt khảo sát với phiếu, thời gian, trạng thái và tổng chỉ tiêu.") { year, json };
        cmd.SetAction(async (p, ct) => await WithDbAsync(async db =>
        {
            var list = await Rounds.ListAsync(db, p.GetValue(year), ct);
            if (p.GetValue(json)) { WriteJson(list); return 0; }
            foreach (var r in list)
                Console.WriteLine($"{r.Id,4}  {r.Year}  {r.Status,-7} {r.OpensOn:dd/MM/yyyy}–{r.ClosesOn:dd/MM/yyyy}  {r.QuestionnaireKey}@{r.QuestionnaireVersion,-6} {r.Units,3} đơn vị {r.Target,6} phiếu  {r.Name}");
            return 0;
        }, ct));
        Survey.Subcommands.Add(cmd);
    }

    static void AddCreateRound()
    {
        var year = new Option<int>("--year") { Description = "Năm đánh giá", Required = true };
        var name = new Option<string>("--name") { Description = "Tên đợt", Required = true };
        var questionnaire = new Option<string>("--questionnaire") { Description = "Mã phiếu: sipas, par-sociological", Required = true };
        var version = new Option<string?>("--version") { Description = "Phiên bản phiếu (mặc định: mới nhất)" };
        var opens = new Option<DateOnly>("--opens") { Description = "Ngày bắt đầu (yyyy-mm-dd)", Required = true };
        var closes = new Option<DateOnly>("--closes") { Description = "Ngày kết thúc (yyyy-mm-dd)", Required = true };
        var margin = new Option<decimal>("--margin") { Description = "Sai số e của kế hoạch mẫu (mặc định 0.05)", DefaultValueFactory = _ => 0.05m };
        var json = JsonOption();
        var cmd = new Command("create-round", "Tạo đợt khảo sát (nháp); thêm chỉ tiêu bằng `survey quota`, mở bằng `survey status`.")
        {
            year, name, questionnaire, version, opens, closes, margin, json,
        };
        cmd.SetAction(async (p, ct) => await WithDbAsync(async db =>
        {
            var k = p.GetValue(questionnaire)!; var v = p.GetValue(version);
            var id = await db.Questionnaires.Where(q => q.Key == k && (v == null || q.Version == v)).OrderByDescending(q => q.Id).Select(q => (int?)q.Id).FirstOrDefaultAsync(ct);
            if (id is null) { Console.Error.WriteLine($"Không có phiếu '{k}'{(v is null ? "" : $" phiên bản {v}")}."); return 2; }
            var change = await Rounds.CreateAsync(db, new RoundRequest(p.GetValue(year), p.GetValue(name)!, id.Value, p.GetValue(opens), p.GetValue(closes), p.GetValue(margin)),
                await CliActor.ResolveAsync(p, db, ct), ct);
            if (change.Errors is { } errors) return Refused(errors);
            var detail = await Rounds.GetAsync(db, change.Value, Rounds.Today(TimeProvider.System), ct);
            if (p.GetValue(json)) WriteJson(detail);
            else Console.WriteLine($"Đã tạo đợt khảo sát số {change.Value}.");
            return 0;
        }, ct));
        Survey.Subcommands.Add(cmd);
    }

    static void AddQuota()
    {
        var round = new Argument<int>("round") { Description = "Số đợt khảo sát" };
        var unit = new Option<string>("--unit") { Description = "Mã đơn vị", Required = true };
        var group = new Option<string>("--group") { Description = "Mã nhóm người trả lời", Required = true };
        var population = new Option<int?>("--population") { Description = "Quy mô tổng thể N (mục tiêu tính theo công thức)" };
        var target = new Option<int?>("--target") { Description = "Số phiếu mục tiêu (nhập trực tiếp)" };
        var cmd = new Command("quota", "Đặt chỉ tiêu một đơn vị × nhóm của đợt: N hoặc số phiếu mục tiêu.") { round, unit, group, population, target };
        cmd.SetAction(async (p, ct) => await WithDbAsync(async db =>
        {
            var change = await Rounds.SetQuotasAsync(db, p.GetValue(round),
                [new QuotaRequest(p.GetValue(unit)!, p.GetValue(group)!, p.GetValue(population), p.GetValue(target))], await CliActor.ResolveAsync(p, db, ct), ct);
            if (change.NotFound) { Console.Error.WriteLine($"Không có đợt khảo sát số {p.GetValue(round)}."); return 2; }
            if (change.Errors is { } errors) return Refused(errors);
            var detail = await Rounds.GetAsync(db, p.GetValue(round), Rounds.Today(TimeProvider.System), ct);
            var q = detail!.Quotas.First(x => x.UnitCode == p.GetValue(unit) && x.Group == p.GetValue(group));
            Console.WriteLine($"{q.UnitName} × {q.GroupName}: N = {q.Population?.ToString(CultureInfo.InvariantCulture) ?? "—"}, mục tiêu {q.Target} phiếu.");
            return 0;
        }, ct));
        Survey.Subcommands.Add(cmd);
    }

    static void AddStatus()
    {
        var round = new Argument<int>("round") { Description = "Số đợt khảo sát" };
        var status = new Argument<RoundStatus>("status") { Description = "Open (mở), Closed (đóng), Draft (nháp)" };
        var json = JsonOption();
        var cmd = new Command("status", "Mở hoặc đóng một đợt khảo sát (chỉ đợt đang mở, trong thời gian của nó, nhận câu trả lời).") { round, status, json };
        cmd.SetAction(async (p, ct) => await WithDbAsync(async db =>
        {
            var change = await Rounds.SetStatusAsync(db, p.GetValue(round), p.GetValue(status), await CliActor.ResolveAsync(p, db, ct), TimeProvider.System, ct);
            if (change.NotFound) { Console.Error.WriteLine($"Không có đợt khảo sát số {p.GetValue(round)}."); return 2; }
            if (change.Errors is { } errors) return Refused(errors);
            if (p.GetValue(json)) WriteJson(new { round = p.GetValue(round), status = p.GetValue(status) });
            else Console.WriteLine($"Đợt {p.GetValue(round)}: {Rounds.StatusText(p.GetValue(status)).ToLowerInvariant()}.");
            return 0;
        }, ct));
        Survey.Subcommands.Add(cmd);
    }

    static void AddTokens()
    {
        var round = new Argument<int>("round") { Description = "Số đợt khảo sát" };
        var unit = new Option<string>("--unit") { Description = "Mã đơn vị", Required = true };
        var group = new Option<string>("--group") { Description = "Mã nhóm kín (đại biểu, công chức, ...)", Required = true };
        var count = new Option<int>("--count") { Description = "Số mã cần cấp", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Tệp CSV ghi các mã (chỉ có ở đây: cơ sở dữ liệu chỉ giữ dấu băm có khóa)", Required = true };
        var baseUrl = new Option<string?>("--base-url") { Description = "Địa chỉ công khai của trang khảo sát, ví dụ https://chiso.hanoi.gov.vn" };
        var cmd = new Command("tokens", "Cấp mã một lần cho một nhóm kín của một đơn vị; mã chỉ được ghi ra tệp này một lần.") { round, unit, group, count, output, baseUrl };
        cmd.SetAction(async (p, ct) => await WithDbAsync(async (db, sp) =>
        {
            var path = p.GetValue(output)!;
            // Refuse before issuing: tokens written nowhere would be lost.
            if (File.Exists(path)) { Console.Error.WriteLine($"Tệp {path} đã có; hãy chọn tệp khác (mã không ghi đè)."); return 2; }
            var change = await Tokens.GenerateAsync(db, sp.GetRequiredService<SurveyMarkers>(), p.GetValue(round), p.GetValue(unit)!, p.GetValue(group)!, p.GetValue(count), await CliActor.ResolveAsync(p, db, ct), ct);
            if (change.NotFound) { Console.Error.WriteLine($"Không có đợt khảo sát số {p.GetValue(round)}."); return 2; }
            if (change.Errors is { } errors) return Refused(errors);
            await File.WriteAllBytesAsync(path, change.Value!.Csv(p.GetValue(baseUrl) ?? ""), ct);
            Console.WriteLine($"Đã cấp {change.Value.Tokens.Count} mã, ghi vào {path}.");
            return 0;
        }, ct));
        Survey.Subcommands.Add(cmd);
    }
}
