using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChiSo;
using ChiSo.Data;
using ChiSo.Features.Plans;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// In the global namespace, like the top-level Program, so Program.cs adds the verbs without a using.

/// <summary>CLI verbs for improvement plans.</summary>
public static class PlanCommands
{
    static readonly JsonSerializerOptions Json = new()
    {
        // Vietnamese stays readable instead of \u escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void Add(RootCommand root)
    {
        var text = new Argument<string>("text") { Description = "Tiến độ như kế hoạch ghi, ví dụ \"Quý II/2024\"" };
        var planYear = new Option<int>("--plan-year") { Description = "Năm của kế hoạch (dùng khi tiến độ không ghi năm)", Required = true };
        var json = new Option<bool>("--json") { Description = "In JSON" };
        var deadline = new Command("deadline", "Đọc một tiến độ hoàn thành: hạn, khoảng thời gian, định kỳ, thường xuyên hay theo sự kiện.")
        {
            text, planYear, json,
        };
        deadline.SetAction(p =>
        {
            var year = p.GetValue(planYear);
            if (year is < 1000 or > 2999)
            {
                Console.Error.WriteLine($"Năm kế hoạch không hợp lệ: {year}.");
                return 2;
            }
            var d = Deadline.Parse(p.GetValue(text), year);
            Console.WriteLine(p.GetValue(json)
                ? JsonSerializer.Serialize(new
                {
                    text = d.Text, kind = d.Kind, start = d.Start, due = d.Due,
                    recurrence = d.Recurrence, tentative = d.Tentative, @event = d.Event,
                }, Json)
                : d.Describe(ViText.Vi));
            return 0;
        });
        root.Subcommands.Add(deadline);
        AddTasks(root);
        AddPlans(root);
    }

    /// <summary>`tasks --plan 164/KH-UBND [--year 2024] --as-of 2024-07-01 [--unit SNV] --json`: the plan's tasks with
    /// where each stands on the day, from the same rules as the web app.</summary>
    static void AddTasks(RootCommand root)
    {
        var plan = new Option<string>("--plan") { Description = "Số kế hoạch, ví dụ 164/KH-UBND", Required = true };
        var year = new Option<int?>("--year") { Description = "Năm của kế hoạch (số kế hoạch lặp lại qua các năm; mặc định: năm mới nhất)" };
        var asOf = new Option<DateOnly?>("--as-of") { Description = "Tính đến ngày (yyyy-mm-dd; mặc định: hôm nay)" };
        var unit = new Option<string?>("--unit") { Description = "Chỉ nhiệm vụ của một đơn vị (mã đơn vị)" };
        var json = new Option<bool>("--json") { Description = "In JSON" };
        var tasks = new Command("tasks", "Nhiệm vụ của một kế hoạch: hạn, tình trạng, quá hạn, tính đến một ngày.") { plan, year, asOf, unit, json };
        tasks.SetAction(async (p, ct) =>
        {
            // The same database settings as the other verbs (Database:Provider, ConnectionStrings:ChiSo from the environment).
            var config = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            await using var services = new ServiceCollection().AddChiSoData(config).BuildServiceProvider();
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
            await BuiltInData.MigrateAndSeedIfEmptyAsync(db, TimeProvider.System, ct);
            var day = p.GetValue(asOf) ?? TaskBoard.Today(TimeProvider.System);
            var found = await TaskBoardQueries.FindPlanAsync(db, p.GetValue(plan)!, p.GetValue(year), ct);
            if (found is null)
            {
                Console.Error.WriteLine($"Không có kế hoạch {p.GetValue(plan)}{(p.GetValue(year) is { } y ? $" năm {y}" : "")}.");
                return 2;
            }
            var rows = await TaskBoardQueries.ListAsync(db, new TaskFilter(PlanId: found.Id, Unit: p.GetValue(unit)), day, ct);
            if (rows is null)
            {
                Console.Error.WriteLine($"Không có đơn vị mã '{p.GetValue(unit)}'.");
                return 2;
            }
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(rows.Select(TaskListItem.From), Json));
                return 0;
            }
            Console.WriteLine($"{found.Label} — {found.Title} — tính đến {ViText.Date(day)}");
            foreach (var r in rows)
            {
                var s = r.Standing;
                var flag = s.Overdue ? $"QUÁ HẠN {s.DaysLate} ngày" : s.AtRisk ? "nguy cơ chậm" : s.NeedsDeadline ? "cần xác định hạn" : "";
                Console.WriteLine($"{r.Number,-6} {ViText.Date(s.Due),10} {TaskBoardAccountability.StatusText(s.Status),-16} {s.Percent,3}% {flag,-18} {string.Join("; ", r.Lead)}: {r.Description}");
            }
            return 0;
        });
        root.Subcommands.Add(tasks);
    }

    /// <summary>`plans [--year 2024] --json` lists plans; `draft-plan par-province 2023 [--unit HN] --json` drafts
    /// next year's plan from a year's gaps and prints its id and tasks.</summary>
    static void AddPlans(RootCommand root)
    {
        static async Task<int> WithPlans(Func<ChiSoDb, PlanService, Task<int>> work, CancellationToken ct)
        {
            // The same database settings as the other verbs (Database:Provider, ConnectionStrings:ChiSo from the environment).
            var config = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            await using var services = new ServiceCollection().AddChiSoData(config).BuildServiceProvider();
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
            await BuiltInData.MigrateAndSeedIfEmptyAsync(db, TimeProvider.System, ct);
            return await work(db, new PlanService(db, TimeProvider.System));
        }

        var year = new Option<int?>("--year") { Description = "Chỉ kế hoạch của năm này" };
        var json = new Option<bool>("--json") { Description = "In JSON" };
        var list = new Command("plans", "Danh sách kế hoạch: số, ngày, năm, loại, tình trạng, số nhiệm vụ.") { year, json };
        list.SetAction(async (p, ct) => await WithPlans(async (_, plans) =>
        {
            var rows = await plans.ListAsync(p.GetValue(year), ct: ct);
            if (p.GetValue(json)) { Console.WriteLine(JsonSerializer.Serialize(rows, Json)); return 0; }
            foreach (var r in rows)
                Console.WriteLine($"{r.Id,4} {r.Number ?? "(dự thảo)",-14} {ViText.Date(r.IssuedOn),10} {r.Year} {r.Status,-6} {r.Tasks,3} nhiệm vụ  {r.Title}");
            return 0;
        }, ct));
        root.Subcommands.Add(list);

        var framework = new Argument<string>("framework") { Description = "par-province, sipas, papi, ..." };
        var resultYear = new Argument<int>("year") { Description = "Năm có kết quả; kế hoạch là của năm sau" };
        var unit = new Option<string?>("--unit") { Description = "Mã đơn vị (mặc định: Thành phố)" };
        var deadline = new Option<string?>("--deadline") { Description = "Tiến độ cho mọi nhiệm vụ (mặc định: Quý III/năm sau)" };
        var draftJson = new Option<bool>("--json") { Description = "In JSON" };
        var draft = new Command("draft-plan", "Tạo dự thảo kế hoạch năm sau từ các tiêu chí mất điểm, giảm điểm hoặc thuộc nhóm thấp nhất.")
        {
            framework, resultYear, unit, deadline, draftJson,
        };
        draft.SetAction(async (p, ct) => await WithPlans(async (db, plans) =>
        {
            var created = await DraftFromGaps.CreateAsync(db, p.GetValue(framework)!, p.GetValue(resultYear), p.GetValue(unit),
                await CliActor.ResolveAsync(p, db, ct), p.GetValue(deadline), ct);
            if (created is null)
            {
                Console.Error.WriteLine($"Không có kết quả {p.GetValue(framework)} năm {p.GetValue(resultYear)} của đơn vị này.");
                return 2;
            }
            var detail = (await plans.GetAsync(created.Id, ct))!;
            var tasks = detail.Sections.SelectMany(s => s.Tasks).Select(t => new
            {
                number = t.Number, description = t.Description, lead = t.Lead.Select(a => a.Name), deadlineText = t.DeadlineText, due = t.Due,
                criteria = t.Criteria.Select(c => new { framework = c.Framework, code = c.Code, pointsAtStake = c.PointsAtStake }),
            }).ToList();
            if (p.GetValue(draftJson))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { id = detail.Id, title = detail.Title, year = detail.Year, status = detail.Status, tasks }, Json));
                return 0;
            }
            Console.WriteLine($"Đã tạo dự thảo kế hoạch {detail.Id}: {detail.Title} ({tasks.Count} nhiệm vụ)");
            foreach (var t in tasks) Console.WriteLine($"{t.number,4} {string.Join("; ", t.lead),-30} {t.deadlineText}: {t.description}");
            return 0;
        }, ct));
        root.Subcommands.Add(draft);
    }
}
