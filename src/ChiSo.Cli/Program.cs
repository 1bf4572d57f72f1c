using ChiSo;
using System.CommandLine;
using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Gaps;
using ChiSo.Features.Plans;
using ChiSo.Features.Results;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// The CLI: the same services as the web app, one verb per capability. The database is chosen the same way
// (Database:Provider, ConnectionStrings:ChiSo — from environment variables such as ConnectionStrings__ChiSo).
Console.OutputEncoding = System.Text.Encoding.UTF8;
// Every file the CLI writes (the database, backups, exports, tokens) is readable by its owner alone (docs/decisions/0014).
OwnerOnlyFiles.Restrict();
var config = new ConfigurationBuilder().AddEnvironmentVariables().Build();
OwnerOnlyFiles.TightenExisting(config);
var services = new ServiceCollection().AddChiSoData(config).AddSingleton(TimeProvider.System)
    .AddScoped<FrameworkImporter>().AddScoped<FrameworkExcel>().BuildServiceProvider();

async Task<int> WithDb(Func<ChiSoDb, IServiceProvider, Task<int>> work)
{
    await using var scope = services.CreateAsyncScope();
    var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
    await BuiltInData.MigrateAndSeedIfEmptyAsync(db, TimeProvider.System);
    return await work(db, scope.ServiceProvider);
}

static void WriteJson<T>(T value) => Console.WriteLine(JsonSerializer.Serialize(value, FrameworkDocument.Json));

var root = new RootCommand("ChiSo — chỉ số cải cách hành chính. ./chiso serve chạy ứng dụng web; ./chiso test chạy kiểm thử.") { CliActor.As };

var migrate = new Command("migrate", "Tạo hoặc nâng cấp cơ sở dữ liệu.");
migrate.SetAction(async _ =>
{
    await using var scope = services.CreateAsyncScope();
    var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
    await db.Database.MigrateAsync();
    await ChiSo.Features.Audit.AuditChain.SealExistingAsync(db);
    await ChiSo.Features.Surveys.QuestionLinks.BackfillAsync(db);
    await DatabaseSetup.UseWriteAheadLogAsync(db);
    Console.WriteLine("Đã cập nhật cơ sở dữ liệu.");
    return 0;
});
root.Subcommands.Add(migrate);

var seed = new Command("seed", "Nạp (hoặc nạp lại) dữ liệu có sẵn: tổ chức, PAR INDEX, SIPAS, PAPI.");
seed.SetAction(async _ => await WithDb(async (db, _) =>
{
    await BuiltInData.SeedAsync(db, TimeProvider.System);
    Console.WriteLine($"Đã nạp dữ liệu: {await db.Units.CountAsync()} đơn vị, {await db.Frameworks.CountAsync()} bộ chỉ số.");
    return 0;
}));
root.Subcommands.Add(seed);

Argument<string> FrameworkArg() => new("framework") { Description = "par-province, sipas, papi, ..." };
Argument<int> YearArg() => new("year") { Description = "Năm kết quả" };
Option<string?> UnitOpt() => new("--unit") { Description = "Mã đơn vị (mặc định: Thành phố)" };
Option<bool> JsonOpt() => new("--json") { Description = "In JSON" };

async Task<int> Snapshot(string key, int year, string? unit, Func<IndexSnapshot, int> show) => await WithDb(async (db, _) =>
{
    var s = await IndexSnapshot.LoadAsync(db, key, year, unit);
    if (s is null)
    {
        Console.Error.WriteLine($"Không có dữ liệu cho bộ chỉ số '{key}', năm {year}{(unit is null ? "" : $", đơn vị {unit}")}.");
        return 2;
    }
    return show(s);
});

{
    var fw = FrameworkArg(); var year = YearArg(); var unit = UnitOpt(); var json = JsonOpt();
    var results = new Command("results", "Kết quả, mục tiêu và các chỗ tổng không khớp của một bộ chỉ số trong một năm.") { fw, year, unit, json };
    results.SetAction(async p => await Snapshot(p.GetValue(fw)!, p.GetValue(year), p.GetValue(unit), s =>
    {
        var report = IndexReport.From(s);
        if (p.GetValue(json)) { WriteJson(report); return 0; }
        Console.WriteLine($"{report.FrameworkName} — {report.UnitName} — {report.Year}: {report.Result?.ToString("0.####", ViText.Vi)} / {report.Max.ToString("0.##", ViText.Vi)}" +
            (report.Rank is null ? "" : $", hạng {report.Rank}"));
        foreach (var r in report.Flatten())
            Console.WriteLine($"{r.Code,-8} {ViText.Num(r.Max),7} {ViText.Num(r.Result),8} {ViText.Num(r.Target),8}  {r.Name}");
        foreach (var i in report.Inconsistencies)
            Console.WriteLine($"Không khớp: {i.Code} {i.Field}: công bố {ViText.Num(i.Stated)}, cộng {ViText.Num(i.Summed)}");
        return 0;
    }));
    root.Subcommands.Add(results);
}
{
    var fw = FrameworkArg(); var year = YearArg(); var unit = UnitOpt(); var json = JsonOpt();
    var xlsx = new Option<string?>("--xlsx") { Description = "Ghi phân tích ra tệp Excel" };
    var gaps = new Command("gaps", "Phân tích điểm bị mất theo tiêu chí, đơn vị chủ trì và lĩnh vực.") { fw, year, unit, json, xlsx };
    gaps.SetAction(async p => await Snapshot(p.GetValue(fw)!, p.GetValue(year), p.GetValue(unit), s =>
    {
        var report = GapReport.From(s);
        if (p.GetValue(xlsx) is { } path)
        {
            using var file = File.Create(path);
            FrameworkExcel.WriteGaps(report, file);
            Console.WriteLine($"Đã ghi {path}");
        }
        if (p.GetValue(json)) { WriteJson(report); return 0; }
        Console.WriteLine($"{report.FrameworkName} {report.Year}: mất {ViText.Num(report.PointsLost)} điểm; nếu đạt mọi mục tiêu: {ViText.Num(report.ProjectedIfTargetsMet)}"
            + $" (tiêu chí có mục tiêu thấp hơn kết quả giữ kết quả); tổng các mục tiêu của kế hoạch: {ViText.Num(report.TargetsSum)}");
        var c = report.Counts;
        Console.WriteLine($"Theo đơn vị chủ trì (tiêu chí nhiều đơn vị chủ trì tính cho mỗi đơn vị): {ViText.Num(c.ByLead)} = {ViText.Num(c.InCriteria)} theo tiêu chí"
            + $" + {ViText.Num(c.CountedAgain)} tính lặp ở {c.SharedCriteria} tiêu chí"
            + (c.FieldsNotAdding.Count > 0 ? $"; kết quả công bố của lĩnh vực {string.Join(", ", c.FieldsNotAdding)} khác tổng tiêu chí thành phần" : ""));
        foreach (var l in report.ByLead) Console.WriteLine($"{ViText.Num(l.PointsLost),8}  {l.Lead}");
        return 0;
    }));
    root.Subcommands.Add(gaps);
}
{
    var fw = FrameworkArg(); var year = new Option<int?>("--year") { Description = "Năm kết quả (Excel: bắt buộc, trừ khi có --version)" };
    var label = new Option<string?>("--version") { Description = "Một phiên bản (nhãn, ví dụ 2025); Excel lấy năm bắt đầu của phiên bản nếu không có --year" };
    var output = new Option<string>("--out", "-o") { Description = "Tệp ra: .xlsx hoặc .json", Required = true };
    var export = new Command("export", "Xuất bộ chỉ số với kết quả và mục tiêu (Excel theo mẫu phụ lục, hoặc JSON).") { fw, year, label, output };
    export.SetAction(async p => await WithDb(async (db, sp) =>
    {
        var key = p.GetValue(fw)!; var path = p.GetValue(output)!; var y = p.GetValue(year);
        if (p.GetValue(label) is { } l)
        {
            var f = await db.Frameworks.Include(x => x.Versions).FirstOrDefaultAsync(x => x.Key == key);
            var v = f?.Versions.FirstOrDefault(x => x.Label == l);
            if (f is null || v is null) { Console.Error.WriteLine($"Không có phiên bản '{l}' của bộ chỉ số '{key}'."); return 2; }
            y ??= v.ValidFromYear;
            if (f.VersionFor(y.Value) != v) { Console.Error.WriteLine($"Năm {y} không thuộc phiên bản '{l}'."); return 2; }
        }
        var doc = await FrameworkExport.DocumentAsync(db, key, y);
        if (doc is null) { Console.Error.WriteLine($"Không có bộ chỉ số '{key}'."); return 2; }
        if (y is not null && doc.Versions.Count == 0) { Console.Error.WriteLine($"Bộ chỉ số '{key}' không có phiên bản cho năm {y}."); return 2; }
        await using var file = File.Create(path);
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            await JsonSerializer.SerializeAsync(file, doc, FrameworkDocument.Json);
        else
        {
            if (y is null) { Console.Error.WriteLine("Xuất Excel cần --year hoặc --version."); return 2; }
            sp.GetRequiredService<FrameworkExcel>().Write(doc, y.Value, file);
        }
        Console.WriteLine($"Đã ghi {path}");
        return 0;
    }));
    root.Subcommands.Add(export);
}
{
    var file = new Argument<string>("file") { Description = "Tệp .xlsx (mẫu phụ lục) hoặc .json" };
    var reason = new Option<string?>("--reason") { Description = "Lý do (ghi vào nhật ký)" };
    var import = new Command("import", "Nhập bộ chỉ số, kết quả và mục tiêu; tệp lỗi bị từ chối toàn bộ kèm báo cáo từng dòng.") { file, reason };
    import.SetAction(async p => await WithDb(async (db, sp) =>
    {
        var path = p.GetValue(file)!;
        var why = p.GetValue(reason) ?? $"Nhập từ tệp {Path.GetFileName(path)}";
        await using var stream = File.OpenRead(path);
        var actor = await CliActor.ResolveAsync(p, db);
        var report = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? await FrameworkExport.ImportJsonAsync(sp.GetRequiredService<FrameworkImporter>(), stream, actor, why)
            : await sp.GetRequiredService<FrameworkExcel>().ImportAsync(stream, actor, why);
        if (!report.Succeeded)
        {
            Console.Error.WriteLine($"Tệp bị từ chối, không có gì được ghi. {report.Problems.Count} lỗi:");
            foreach (var problem in report.Problems) Console.Error.WriteLine("  " + problem);
            if (report.More is { } more) Console.Error.WriteLine("  " + more);
            return 1;
        }
        Console.WriteLine($"Đã nhập {report.Criteria} tiêu chí, {report.Scores} điểm, {report.Targets} mục tiêu.");
        return 0;
    }));
    root.Subcommands.Add(import);
}
{
    var asOf = new Option<DateOnly?>("--as-of") { Description = "Chỉ đơn vị còn tồn tại ngày này (yyyy-mm-dd)" };
    var json = JsonOpt();
    var units = new Command("units", "Danh mục tổ chức với lịch sử sáp nhập.") { asOf, json };
    units.SetAction(async p => await WithDb(async (db, _) =>
    {
        var list = await UnitQueries.ListAsync(db, p.GetValue(asOf), null);
        if (p.GetValue(json)) { WriteJson(list); return 0; }
        foreach (var u in list)
            Console.WriteLine($"{u.Code,-14} {u.Kind,-24} {u.ValidFrom?.ToString("dd/MM/yyyy") ?? "",10} {u.ValidTo?.ToString("dd/MM/yyyy") ?? "",10}  {u.Name}");
        return 0;
    }));
    root.Subcommands.Add(units);

    var handFrom = new Option<string>("--from") { Description = "Giao: đơn vị đã kết thúc có phần việc đang chờ" };
    var handTo = new Option<string>("--to") { Description = "Giao cho đơn vị này (mã); không có --task: mọi phần việc đang chờ của --from" };
    var handTasks = new Option<int[]>("--task") { Description = "Giao: mã nhiệm vụ (lặp lại được); không có: mọi phần việc đang chờ của --from", AllowMultipleArgumentsPerToken = true };
    var handNote = new Option<string>("--note") { Description = "Giao: ghi chú, ghi vào nhật ký" };
    var waiting = new Command("handovers", "Phần việc của đơn vị đã kết thúc đang chờ cơ quan thường trực giao (không có đúng một đơn vị kế thừa); " +
        "với --from và --to: giao một lần nhiều phần việc, tất cả hoặc không phần việc nào.") { asOf, json, handFrom, handTo, handTasks, handNote };
    waiting.SetAction(async p => await WithDb(async (db, _) =>
    {
        if (p.GetValue(handTo) is { } to)
        {
            var from = p.GetValue(handFrom);
            if (string.IsNullOrWhiteSpace(from)) { Console.Error.WriteLine("Cần --from: đơn vị đã kết thúc có phần việc đang chờ."); return 1; }
            var actor = await CliActor.ResolveAsync(p, db);
            var tasks = p.GetValue(handTasks) ?? [];
            var (assigned, problems) = tasks.Length == 0
                ? await TaskHandovers.AssignAllAtAsync(db, from, to, p.GetValue(handNote), actor, TimeProvider.System)
                : await TaskHandovers.AssignAsync(db, [.. tasks.Select(t => new ShareAssignment(t, from, to))], p.GetValue(handNote), actor, TimeProvider.System) is { } refused
                    ? (0, refused) : (tasks.Length, null);
            if (problems is not null)
            {
                Console.Error.WriteLine("Không giao phần việc nào:");
                foreach (var problem in problems) Console.Error.WriteLine("  " + problem);
                return 1;
            }
            if (p.GetValue(json)) WriteJson(new { assigned });
            else Console.WriteLine($"Đã giao {assigned} phần việc của {from.Trim().ToUpperInvariant()} cho {to.Trim().ToUpperInvariant()}.");
            return 0;
        }
        var list = await TaskHandovers.WaitingAsync(db, p.GetValue(asOf) ?? TaskBoard.Today(TimeProvider.System));
        if (p.GetValue(json)) { WriteJson(list); return 0; }
        foreach (var w in list)
            Console.WriteLine($"{w.Unit,-14} {w.Plan,-28} {w.Number,-6} {(w.Successors.Count == 0 ? "—" : string.Join(",", w.Successors)),-16} {w.Description}");
        Console.WriteLine($"{list.Count} phần việc đang chờ giao.");
        return 0;
    }));
    root.Subcommands.Add(waiting);
}

{
    var output = new Option<string>("--out", "-o") { Description = "Tệp sao lưu (SQLite: .db; PostgreSQL: định dạng pg_dump)", Required = true };
    var backup = new Command("backup", "Sao lưu toàn bộ cơ sở dữ liệu khi ứng dụng vẫn chạy.") { output };
    backup.SetAction(async p => await WithDb(async (db, _) =>
    {
        var bytes = await ChiSo.Features.Backups.Backup.WriteAsync(db, p.GetValue(output)!);
        Console.WriteLine($"Đã sao lưu {bytes:N0} byte vào {p.GetValue(output)}");
        return 0;
    }));
    root.Subcommands.Add(backup);
}
{
    var file = new Argument<string>("backup") { Description = "Tệp sao lưu do ./chiso backup tạo" };
    var force = new Option<bool>("--force") { Description = "PostgreSQL: ngắt các phiên đang kết nối tới cơ sở dữ liệu thay vì từ chối" };
    var restore = new Command("restore", "Khôi phục cơ sở dữ liệu từ bản sao lưu: kiểm tra bản sao lưu trước, giữ cơ sở dữ liệu hiện tại với tên có ngày, " +
        "từ chối bản hỏng mà không thay đổi gì. Dừng ứng dụng web trước khi khôi phục.") { file, force };
    restore.SetAction(async p =>
    {
        // Not WithDb: the database about to be replaced is neither migrated nor seeded first.
        await using var scope = services.CreateAsyncScope();
        var outcome = await ChiSo.Features.Backups.Restore.RunAsync(scope.ServiceProvider.GetRequiredService<ChiSoDb>(), p.GetValue(file)!, p.GetValue(force),
            TimeProvider.System);
        (outcome.Restored ? Console.Out : Console.Error).WriteLine(outcome.Message);
        return outcome.Restored ? 0 : 1;
    });
    root.Subcommands.Add(restore);
}

PlanCommands.Add(root);
ReportCommands.Add(root);
SurveyCommands.Add(root);
CycleCommands.Add(root);
UserCommands.Add(root);
DemoCommands.Add(root);
AuditCommands.Add(root, WithDb);

// A service's refusal (an account named by --as may not do this) is a message and exit code 3, not a stack trace.
try
{
    var parsed = root.Parse(args);
    // Every verb runs with the server secret (the survey markers need it): a missing one is said before anything is done.
    if (parsed.Errors.Count == 0 && parsed.Action is not System.CommandLine.Help.HelpAction) services.GetRequiredService<ServerSecret>();
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (ChiSo.Features.Accounts.AccessDenied denied)
{
    Console.Error.WriteLine(denied.Message);
    return 3;
}
catch (ServerSecretException missing)
{
    Console.Error.WriteLine(missing.Message);
    return 2;
}
// A file refused whole (too large, a zip bomb, not the format it claims) is a refused import like any other.
catch (ChiSo.Features.Files.FileRefused refused)
{
    Console.Error.WriteLine(refused.Refusal);
    return 1;
}
