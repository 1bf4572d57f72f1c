using ChiSo.Data;
using ChiSo.Features.Units;
using MiniExcelLibs;

namespace ChiSo.Features.Plans;

/// <summary>One agency's record on a day. Counts are of tasks it leads, each judged by its own updates;
/// <see cref="Cooperating"/> counts the tasks it cooperates on, separately; <see cref="HeldFor"/> names the ended
/// units whose open tasks it holds (their series continues in this row).</summary>
public sealed record AgencyAccountability(
    string? Unit, string Agency, int Lead, int Cooperating, int DoneOnTime, int DoneLate, int Overdue, int AtRisk, int NotStarted,
    IReadOnlyList<string> HeldFor);

/// <summary>A head of unit answerable for a task (seed 000, III.1: "Thủ trưởng" of the lead unit).</summary>
public sealed record AccountableHead(
    string? Unit, string Agency, string Head, int TaskId, string Plan, string Number, string Task, DateOnly Due, int DaysLate,
    ProgressStatus Status, string Reason);

public sealed record AccountabilityReport(DateOnly AsOf, IReadOnlyList<AgencyAccountability> Agencies, IReadOnlyList<AccountableHead> Heads);

/// <summary>Who owes what: per lead agency, and the heads of units whose tasks are late or were never started.
/// Only lead agencies answer (III.1 holds the head of the unit in charge responsible); a group named as lead
/// ("UBND cấp huyện") makes each member unit answer for its own share.</summary>
public static class TaskBoardAccountability
{
    public const string Xlsx = ChiSo.Features.Files.ContentTypes.Xlsx;

    public static async Task<AccountabilityReport> BuildAsync(ChiSoDb db, DateOnly asOf, int? planId = null, CancellationToken ct = default)
    {
        var set = (await TaskBoardQueries.LoadAsync(db, new TaskFilter(PlanId: planId), asOf, ct))!;
        return Build(set, asOf);
    }

    public static AccountabilityReport Build(TaskSet set, DateOnly asOf)
    {
        var rows = new Dictionary<string, Tally>();
        var heads = new List<AccountableHead>();
        foreach (var task in set.Tasks)
        {
            var window = task.Plan!.Window;
            var (units, unregistered, _) = set.Parties(task);
            // Units valid on the as-of day answer; an ended unit's finished shares are its history, not this day's list.
            var shares = units.Where(p => p.Unit.ExistsOn(asOf)).Select(p => (Code: (string?)p.Unit.Code, Name: p.Unit.Name, p.Role,
                    Standing: p.Role == AgencyRole.Lead ? TaskSet.ShareOf(task, p, asOf) : null, p.HeldFor))
                .Concat(unregistered.Select(a => (Code: (string?)null, a.Name, a.Role,
                    Standing: a.Role == AgencyRole.Lead ? TaskBoard.EvaluateUnreported(task, window, asOf) : null, HeldFor: (IReadOnlyList<Unit>)[])));
            foreach (var (code, name, role, s, heldFor) in shares)
            {
                var key = code ?? "?" + name;
                if (!rows.TryGetValue(key, out var t)) rows[key] = t = new Tally(code, name);
                foreach (var f in heldFor) t.HeldFor.Add(f.Code);
                if (role == AgencyRole.Cooperating) { t.Cooperating++; continue; }
                t.Lead++;
                if (s!.DoneOnTime) t.DoneOnTime++;
                if (s.DoneLate) t.DoneLate++;
                if (s.Overdue) t.Overdue++;
                if (s.AtRisk) t.AtRisk++;
                if (s.Status == ProgressStatus.NotStarted) t.NotStarted++;
                if (s.Overdue || s.DoneLate)
                {
                    var due = s.Missed.Count > 0 ? s.Missed[0] : s.Due!.Value;
                    var reason = s.DoneLate ? $"Hoàn thành muộn {s.DaysLate} ngày"
                        : s.Status == ProgressStatus.NotStarted ? "Quá hạn, chưa triển khai"
                        : s.Missed.Count > 0 ? $"Chưa thực hiện {s.Missed.Count} kỳ báo cáo/thực hiện"
                        : "Quá hạn, chưa hoàn thành";
                    heads.Add(new AccountableHead(code, name, "Thủ trưởng " + name, task.Id, task.Plan.Label, task.Number, task.Description,
                        due, s.DaysLate, s.Status, reason));
                }
            }
        }
        var agencies = rows.Values
            .Select(t => new AgencyAccountability(t.Code, t.Name, t.Lead, t.Cooperating, t.DoneOnTime, t.DoneLate, t.Overdue, t.AtRisk, t.NotStarted, t.HeldFor.Order().ToList()))
            .OrderByDescending(a => a.Overdue).ThenByDescending(a => a.Lead).ThenBy(a => a.Agency, StringComparer.Create(ViText.Vi, false)).ToList();
        return new AccountabilityReport(asOf, agencies,
            heads.OrderByDescending(h => h.DaysLate).ThenBy(h => h.Agency, StringComparer.Create(ViText.Vi, false)).ToList());
    }

    sealed class Tally(string? code, string name)
    {
        public string? Code { get; } = code;
        public string Name { get; } = name;
        public int Lead, Cooperating, DoneOnTime, DoneLate, Overdue, AtRisk, NotStarted;
        public HashSet<string> HeldFor { get; } = [];
    }

    /// <summary>Two sheets: per agency, and the heads accountable, with Vietnamese headings.</summary>
    public static void WriteExcel(AccountabilityReport report, Stream output)
    {
        var date = ViText.Date(report.AsOf);
        var sheets = new Dictionary<string, object>
        {
            ["Theo đơn vị"] = report.Agencies.Select(a => new Dictionary<string, object?>
            {
                ["Mã đơn vị"] = a.Unit, ["Đơn vị"] = a.Agency, ["Chủ trì"] = a.Lead, ["Phối hợp"] = a.Cooperating,
                ["Hoàn thành đúng hạn"] = a.DoneOnTime, ["Hoàn thành muộn"] = a.DoneLate, ["Quá hạn"] = a.Overdue,
                ["Có nguy cơ chậm"] = a.AtRisk, ["Chưa triển khai"] = a.NotStarted,
                ["Giữ nhiệm vụ của đơn vị trước"] = string.Join(", ", a.HeldFor), ["Tính đến ngày"] = date,
            }).ToList(),
            ["Trách nhiệm thủ trưởng"] = report.Heads.Select(h => new Dictionary<string, object?>
            {
                ["Mã đơn vị"] = h.Unit, ["Đơn vị"] = h.Agency, ["Người chịu trách nhiệm"] = h.Head, ["Kế hoạch"] = h.Plan,
                ["Nhiệm vụ số"] = h.Number, ["Nội dung nhiệm vụ"] = h.Task, ["Hạn"] = ViText.Date(h.Due), ["Số ngày chậm"] = h.DaysLate,
                ["Tình trạng"] = StatusText(h.Status), ["Lý do"] = h.Reason, ["Tính đến ngày"] = date,
            }).ToList(),
        };
        output.WriteXlsx(sheets);
    }

    public static string StatusText(ProgressStatus s) => s switch
    {
        ProgressStatus.NotStarted => "Chưa triển khai",
        ProgressStatus.InProgress => "Đang thực hiện",
        ProgressStatus.Done => "Hoàn thành",
        _ => "Vướng mắc",
    };
}
