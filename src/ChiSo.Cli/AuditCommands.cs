using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChiSo.Data;
using ChiSo.Features.Audit;

// In the global namespace, like the top-level Program, so Program.cs adds the verbs without a using.

/// <summary>CLI verbs for the audit log: `audit verify` checks the hash chain (exit code 0 whole, 1 broken), `audit head`
/// prints the chain's last row as rankings and reports print it.</summary>
public static class AuditCommands
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true, Converters = { new JsonStringEnumConverter() },
    };

    public static void Add(RootCommand root, Func<Func<ChiSoDb, IServiceProvider, Task<int>>, Task<int>> withDb)
    {
        var audit = new Command("audit", "Nhật ký thay đổi: kiểm tra chuỗi mã băm, xem bản ghi cuối.");
        {
            var json = new Option<bool>("--json") { Description = "In JSON" };
            var verify = new Command("verify", "Kiểm tra toàn bộ chuỗi nhật ký và các bản ghi đã in trên bảng xếp hạng công bố; " +
                "mã thoát 0 khi nguyên vẹn, 1 khi bị sửa, xoá hoặc chèn ngoài ứng dụng.") { json };
            verify.SetAction(async p => await withDb(async (db, _) =>
            {
                var report = await AuditChain.VerifyAsync(db, await CliActor.ResolveAsync(p, db));
                if (p.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(report, Json));
                else foreach (var line in report.Lines()) Console.WriteLine(line);
                return report.ExitCode;
            }));
            audit.Subcommands.Add(verify);
        }
        {
            var json = new Option<bool>("--json") { Description = "In JSON" };
            var head = new Command("head", "Bản ghi cuối của chuỗi nhật ký (số, mã, thời điểm), để đối chiếu với bản in.") { json };
            head.SetAction(async p => await withDb(async (db, _) =>
            {
                var h = await AuditChain.HeadAsync(db);
                if (p.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(h, Json));
                else Console.WriteLine(h is null ? "Nhật ký chưa có bản ghi nào." : $"{h.Text}\nMã đầy đủ: {h.Hash}");
                return 0;
            }));
            audit.Subcommands.Add(head);
        }
        root.Subcommands.Add(audit);
    }
}
