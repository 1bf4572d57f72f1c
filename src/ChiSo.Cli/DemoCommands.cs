using System.CommandLine;
using System.Diagnostics;
using ChiSo.Features.Assessments;

// In the global namespace, like the top-level Program, so Program.cs adds the verbs without a using.

/// <summary>`./chiso demo 2026`: the cycle a new user can walk through (<see cref="DemoCycle"/>); a second run adds nothing.</summary>
public static class DemoCommands
{
    public static void Add(RootCommand root)
    {
        var year = new Argument<int>("year") { Description = "Năm đánh giá, ví dụ 2026" };
        var demo = new Command("demo", "Dựng kỳ đánh giá minh họa: các sở và xã, phường còn hiệu lực ngày 1/1, đợt điều tra xã hội học với câu trả lời sinh tự động, " +
            "điểm điều tra vào kỳ, và một tài khoản mẫu cho mỗi vai trò (chạy lại không tạo trùng).") { year };
        demo.SetAction((p, ct) => UserCommands.WithAccounts(p, async (db, accounts, actor) =>
        {
            var watch = Stopwatch.StartNew();
            var outcome = await DemoCycle.BuildAsync(db, accounts, TimeProvider.System, p.GetValue(year), actor, ct);
            if (!outcome.Ok)
            {
                Console.Error.WriteLine(outcome.Error);
                foreach (var e in outcome.Failure!.Errors?.SelectMany(e => e.Value) ?? []) Console.Error.WriteLine("  " + e);
                return 1;
            }
            var r = outcome.Value;
            Console.WriteLine($"Kỳ {r.CycleId}: {r.CycleName}");
            foreach (var g in r.Groups) Console.WriteLine($"  Nhóm {g.Name}: {g.Units} đơn vị ({g.Framework} {g.Version})");
            Console.WriteLine($"Đợt khảo sát {r.RoundId}: {r.RoundName} — {r.Responses} phiếu; {r.SurveyPoints} điểm điều tra đã vào kỳ.");
            Console.WriteLine($"{r.Explained} đơn vị đã tự đánh giá, được thẩm định và giải trình xong; hai đơn vị của tài khoản mẫu còn ở bước đầu.");
            Console.WriteLine("Tài khoản mẫu (mật khẩu chỉ hiện một lần, khi tạo):");
            foreach (var a in r.Accounts)
                Console.WriteLine($"  {a.UserName,-15} {a.Role,-17} {a.Unit,-12} {a.Password ?? "(đã có, mật khẩu không đổi)"}");
            if (r.Existing.Count > 0) Console.WriteLine("Đã có từ trước, không tạo lại: " + string.Join(", ", r.Existing) + ".");
            Console.WriteLine($"Xong trong {watch.Elapsed.TotalSeconds:0.0} giây.");
            return 0;
        }));
        root.Subcommands.Add(demo);
    }
}
