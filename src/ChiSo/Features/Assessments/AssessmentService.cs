using System.Globalization;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Audit;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Assessments;

public sealed record GroupSpec(string Name, string Framework, string Version, List<string> Units, List<Band>? Bands = null);

public sealed record CycleSpec(int Year, string Name, DateTime SelfAssessmentDue, DateOnly AppraisalFrom, DateOnly AppraisalTo,
    int ExplanationDays, List<GroupSpec> Groups, DateOnly? SurveyFrom = null, DateOnly? SurveyTo = null,
    DateOnly? AggregationBy = null, DateOnly? CouncilBy = null);

/// <summary>An appraiser's assignment by user name, unit (code or name) and/or field code.</summary>
public sealed record AssignmentSpec(string UserName, string? Unit, string? Field);

/// <summary>The annual unit assessment (seed 002). Every action checks who may do it, where the assessment stands
/// and the deadline; every change of a score, evidence or stage is audited and kept in the criterion's dialogue.
/// The web API, the pages and the CLI all act through here.</summary>
public sealed partial class AssessmentService(ChiSoDb db, TimeProvider clock)
{
    /// <summary>The bands used when a cycle names none: the city's usual four by percent.</summary>
    public static readonly IReadOnlyList<Band> DefaultBands =
        [new("Xuất sắc", 90), new("Tốt", 80), new("Khá", 65), new("Trung bình", 50), new("Yếu", 0)];

    DateTime Now => clock.GetUtcNow().UtcDateTime;

    // ---- setting up a cycle (standing agency) ----

    public async Task<Outcome<CycleSummary>> CreateCycleAsync(CycleSpec spec, Actor actor, CancellationToken ct = default)
    {
        actor.Require(actor.IsAdmin, "Chỉ cơ quan thường trực (Sở Nội vụ) được mở kỳ đánh giá.");
        var errors = new Dictionary<string, string[]>();
        void Err(string k, string m) => errors[k] = [.. errors.GetValueOrDefault(k) ?? [], m];
        if (string.IsNullOrWhiteSpace(spec.Name)) Err("name", "Cần tên kỳ đánh giá.");
        if (spec.Year is < 2000 or > 2100) Err("year", "Năm đánh giá không hợp lệ.");
        // The deadline by the one rule for instants, whoever gave it (API, CLI, page): a date alone is the end of that day in Hanoi.
        var due = ViText.Instant(spec.SelfAssessmentDue);
        if (due.Year is < 2000 or > 2100) Err("selfAssessmentDue", "Hạn tự đánh giá không hợp lệ.");
        if (spec.AppraisalTo < spec.AppraisalFrom) Err("appraisalTo", "Ngày kết thúc thẩm định trước ngày bắt đầu.");
        if (spec.ExplanationDays is < 1 or > 60) Err("explanationDays", "Thời hạn giải trình phải từ 1 đến 60 ngày.");
        if (spec.Groups.Count == 0) Err("groups", "Cần ít nhất một nhóm đơn vị.");
        var units = await UnitDirectory.LoadAsync(db, ct);
        var cycle = new AssessmentCycle
        {
            Year = spec.Year, Name = spec.Name.Trim(), Status = CycleStatus.Draft, SelfAssessmentDue = due,
            AppraisalFrom = spec.AppraisalFrom, AppraisalTo = spec.AppraisalTo, ExplanationDays = spec.ExplanationDays,
            SurveyFrom = spec.SurveyFrom, SurveyTo = spec.SurveyTo, AggregationBy = spec.AggregationBy, CouncilBy = spec.CouncilBy,
        };
        var seen = new HashSet<int>();
        for (var i = 0; i < spec.Groups.Count; i++)
        {
            var g = spec.Groups[i];
            var version = await db.FrameworkVersions.Include(v => v.Framework)
                .FirstOrDefaultAsync(v => v.Framework!.Key == g.Framework && v.Label == g.Version, ct);
            if (version is null) { Err($"groups[{i}].version", $"Không có bộ chỉ số '{g.Framework}' phiên bản '{g.Version}'."); continue; }
            // The API and the CLI may list bands in any order; two equal bounds, a bound outside 0–100 or a repeated name are refused.
            if (g.Bands is { Count: > 0 } given && Band.Problems([.. given.OrderByDescending(x => x.MinPercent)]) is { Count: > 0 } bandProblems)
                foreach (var problem in bandProblems) Err($"groups[{i}].bands", problem);
            var bands = (g.Bands is { Count: > 0 } b ? b : DefaultBands).OrderByDescending(x => x.MinPercent).ToList();
            var group = new CycleGroup { Name = g.Name.Trim(), FrameworkVersionId = version.Id, Order = i, Bands = bands };
            cycle.Groups.Add(group);
            if (g.Units.Count == 0) Err($"groups[{i}].units", $"Nhóm '{g.Name}' chưa có đơn vị nào.");
            foreach (var name in g.Units)
            {
                var u = units.Find(name);
                if (u is null) Err($"groups[{i}].units", $"Không có đơn vị '{name}' trong danh mục.");
                else if (!seen.Add(u.Id)) Err($"groups[{i}].units", $"Đơn vị '{u.Name}' có ở hai nhóm.");
                else cycle.Units.Add(new CycleUnit { Group = group, UnitId = u.Id, Stage = UnitStage.Draft });
            }
        }
        if (errors.Count > 0) return Failure.Invalid(errors);
        db.Cycles.Add(cycle);
        await db.SaveChangesAsync(ct);
        Audit(actor, cycle, "cycle", null, "Draft", "Tạo kỳ đánh giá");
        await db.SaveChangesAsync(ct);
        return await SummaryAsync(cycle.Id, ct);
    }

    /// <summary>Opens self-assessment: every unit gets one item per criterion that applies to its kind.</summary>
    public async Task<Outcome<CycleSummary>> OpenCycleAsync(int cycleId, Actor actor, CancellationToken ct = default)
    {
        actor.Require(actor.IsAdmin, "Chỉ cơ quan thường trực được mở kỳ đánh giá.");
        var cycle = await db.Cycles.Include(c => c.Groups).Include(c => c.Units).ThenInclude(u => u.Unit)
            .FirstOrDefaultAsync(c => c.Id == cycleId, ct);
        if (cycle is null) return Failure.NotFound("kỳ đánh giá");
        if (cycle.Status != CycleStatus.Draft) return Failure.Refused("Kỳ đánh giá đã được mở.");
        foreach (var group in cycle.Groups)
        {
            var tree = await db.Criteria.Where(c => c.VersionId == group.FrameworkVersionId).ToListAsync(ct);
            foreach (var cu in cycle.Units.Where(u => u.GroupId == group.Id))
                foreach (var leaf in Answers.Leaves(tree, cu.Unit!.Kind))
                    db.AssessmentItems.Add(new AssessmentItem { CycleUnitId = cu.Id, CriterionId = leaf.Id });
        }
        cycle.Status = CycleStatus.Open;
        cycle.Concurrency = Guid.NewGuid();
        Audit(actor, cycle, "cycle", "Draft", "Open", "Mở kỳ đánh giá: các đơn vị bắt đầu tự đánh giá");
        await db.SaveChangesAsync(ct);
        return await SummaryAsync(cycle.Id, ct);
    }

    public async Task<Outcome<List<AppraiserLine>>> AssignAppraisersAsync(int cycleId, List<AssignmentSpec> specs, Actor actor, CancellationToken ct = default)
    {
        actor.Require(actor.IsAdmin, "Chỉ cơ quan thường trực được phân công thẩm định.");
        var cycle = await db.Cycles.Include(c => c.Units).Include(c => c.Appraisers).FirstOrDefaultAsync(c => c.Id == cycleId, ct);
        if (cycle is null) return Failure.NotFound("kỳ đánh giá");
        if (cycle.Status == CycleStatus.Published) return Published();
        var units = await UnitDirectory.LoadAsync(db, ct);
        var errors = new Dictionary<string, string[]>();
        var added = new List<AppraiserAssignment>();
        for (var i = 0; i < specs.Count; i++)
        {
            var s = specs[i];
            var user = await db.Users.FirstOrDefaultAsync(u => u.UserName == s.UserName, ct);
            var isAppraiser = user is not null && await db.UserRoles.AnyAsync(ur => ur.UserId == user.Id &&
                db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Appraiser), ct);
            if (user is null) { errors[$"[{i}].userName"] = [$"Không có tài khoản '{s.UserName}'."]; continue; }
            if (!isAppraiser) { errors[$"[{i}].userName"] = [$"Tài khoản '{s.UserName}' không có vai trò thành viên thẩm định."]; continue; }
            Unit? unit = null;
            if (!string.IsNullOrWhiteSpace(s.Unit))
            {
                unit = units.Find(s.Unit);
                if (unit is null || cycle.Units.All(u => u.UnitId != unit.Id)) { errors[$"[{i}].unit"] = [$"Đơn vị '{s.Unit}' không thuộc kỳ đánh giá."]; continue; }
            }
            added.Add(new AppraiserAssignment { CycleId = cycle.Id, UserId = user.Id, UnitId = unit?.Id, CriterionCode = string.IsNullOrWhiteSpace(s.Field) ? null : s.Field.Trim() });
        }
        if (errors.Count > 0) return Failure.Invalid(errors);
        foreach (var a in added)
        {
            if (cycle.Appraisers.Any(x => x.UserId == a.UserId && x.UnitId == a.UnitId && x.CriterionCode == a.CriterionCode)) continue;
            cycle.Appraisers.Add(a);
            Audit(actor, cycle, "appraiser", null, $"{a.UserId}|{a.UnitId}|{a.CriterionCode}", "Phân công thẩm định");
        }
        await db.SaveChangesAsync(ct);
        return await AppraisersAsync(cycle.Id, ct);
    }

    public async Task<List<AppraiserLine>> AppraisersAsync(int cycleId, CancellationToken ct = default) =>
        await db.Set<AppraiserAssignment>().Where(a => a.CycleId == cycleId)
            .Join(db.Users, a => a.UserId, u => u.Id, (a, u) => new AppraiserLine(a.Id, u.UserName!, u.DisplayName, a.Unit == null ? null : a.Unit.Name, a.CriterionCode))
            .ToListAsync(ct);

    // ---- reading ----

    public async Task<List<CycleSummary>> ListCyclesAsync(CancellationToken ct = default)
    {
        var ids = await db.Cycles.OrderByDescending(c => c.Year).ThenByDescending(c => c.Id).Select(c => c.Id).ToListAsync(ct);
        var list = new List<CycleSummary>();
        foreach (var id in ids) list.Add(await SummaryAsync(id, ct));
        return list;
    }

    public async Task<CycleSummary> SummaryAsync(int cycleId, CancellationToken ct = default)
    {
        var c = await db.Cycles.AsNoTracking().Include(x => x.Groups).ThenInclude(g => g.FrameworkVersion).ThenInclude(v => v!.Framework)
            .FirstAsync(x => x.Id == cycleId, ct);
        var units = await db.CycleUnits.AsNoTracking().Where(u => u.CycleId == cycleId)
            .Select(u => new { u.Id, u.GroupId, u.UnitId, u.Unit!.Code, u.Unit.Name, u.Stage, u.SubmittedAt, u.SubmittedBy, u.ExplanationDue, u.ExplainedAt })
            .ToListAsync(ct);
        var counts = await db.AssessmentItems.AsNoTracking().Where(i => db.CycleUnits.Any(u => u.Id == i.CycleUnitId && u.CycleId == cycleId))
            .GroupBy(i => i.CycleUnitId)
            .Select(g => new
            {
                Id = g.Key,
                Appraisal = g.Count(i => i.Criterion!.Method == ScoringMethod.Appraisal),
                Answered = g.Count(i => i.Criterion!.Method == ScoringMethod.Appraisal && i.Answer != null),
                Appraised = g.Count(i => i.Criterion!.Method == ScoringMethod.Appraisal && i.Verdict != null),
            })
            .ToDictionaryAsync(x => x.Id, ct);
        var now = Now;
        var rows = units.OrderBy(u => u.Name, StringComparer.Create(ViText.Vi, false)).Select(u =>
        {
            var n = counts.GetValueOrDefault(u.Id);
            var late = u.Stage == UnitStage.Draft && now > c.SelfAssessmentDue;
            return new CycleUnitLine(u.UnitId, u.Code, u.Name, c.Groups.First(g => g.Id == u.GroupId).Name, u.Stage, StageLabel(u.Stage),
                n?.Appraisal ?? 0, n?.Answered ?? 0, n?.Appraised ?? 0, u.SubmittedAt, u.SubmittedBy, late, u.ExplanationDue, u.ExplainedAt);
        }).ToList();
        return new CycleSummary(c.Id, c.Year, c.Name, c.Status, StatusLabel(c.Status), c.SelfAssessmentDue, c.AppraisalFrom, c.AppraisalTo,
            c.ExplanationDays, c.SurveyFrom, c.SurveyTo, c.AggregationBy, c.CouncilBy,
            c.Groups.OrderBy(g => g.Order).Select(g => new GroupLine(g.Id, g.Name, g.FrameworkVersion!.Framework!.Key, g.FrameworkVersion.Label,
                g.FrameworkVersion.Framework.Name, g.Bands)).ToList(),
            rows, rows.Count(r => r.Stage != UnitStage.Draft), rows.Count(r => r.Late),
            c.CouncilDate, c.CouncilReference, c.CouncilMembers, c.CouncilPresent, c.FinalisedAt, c.PublishedAt, c.Concurrency);
    }

    public static string StageLabel(UnitStage s) => s switch
    {
        UnitStage.Draft => "Đang tự đánh giá",
        UnitStage.Submitted => "Đã gửi, chờ thẩm định",
        UnitStage.Appraised => "Đã thẩm định, chờ giải trình",
        UnitStage.Explained => "Đã giải trình",
        UnitStage.Finalised => "Hội đồng đã chốt",
        _ => s.ToString(),
    };

    public static string StatusLabel(CycleStatus s) => s switch
    {
        CycleStatus.Draft => "Đang chuẩn bị",
        CycleStatus.Open => "Đang đánh giá",
        CycleStatus.Finalised => "Hội đồng đã chốt",
        CycleStatus.Published => "Đã công bố",
        _ => s.ToString(),
    };

    // ---- who may see and do what ----

    /// <summary>Everything one unit's assessment needs in memory for a check or an action.</summary>
    sealed record UnitContext(AssessmentCycle Cycle, CycleUnit CycleUnit, List<Criterion> Tree, List<AppraiserAssignment> Assignments);

    async Task<Outcome<UnitContext>> LoadAsync(int cycleId, string unit, bool items, CancellationToken ct)
    {
        var cycle = await db.Cycles.FirstOrDefaultAsync(c => c.Id == cycleId, ct);
        if (cycle is null) return Failure.NotFound("kỳ đánh giá");
        var u = (await UnitDirectory.LoadAsync(db, ct)).Find(unit);
        IQueryable<CycleUnit> q = db.CycleUnits.Include(x => x.Unit).Include(x => x.Group);
        if (items) q = q.Include(x => x.Items).ThenInclude(i => i.Evidence).Include(x => x.Evidence);
        var cu = u is null ? null : await q.FirstOrDefaultAsync(x => x.CycleId == cycleId && x.UnitId == u.Id, ct);
        if (cu is null) return Failure.NotFound($"đơn vị '{unit}' trong kỳ đánh giá");
        var tree = await db.Criteria.AsNoTracking().Where(c => c.VersionId == cu.Group!.FrameworkVersionId).OrderBy(c => c.Order).ToListAsync(ct);
        var assignments = await db.Set<AppraiserAssignment>().AsNoTracking().Where(a => a.CycleId == cycleId).ToListAsync(ct);
        return new UnitContext(cycle, cu, tree, assignments);
    }

    static bool IsUnitUser(Actor a, CycleUnit cu) => (a.Is(Roles.UnitEditor) || a.Is(Roles.UnitHead)) && a.UnitId == cu.UnitId;

    /// <summary>Unit users see their own unit; appraisers their assigned units; admin and leaders everything;
    /// after publication everyone signed in sees every unit.</summary>
    static bool CanSee(Actor a, UnitContext x) =>
        a.ReadsAll || IsUnitUser(a, x.CycleUnit) || x.Cycle.Status == CycleStatus.Published ||
        (a.Is(Roles.Appraiser) && x.Assignments.Any(s => s.UserId == a.UserId && (s.UnitId is null || s.UnitId == x.CycleUnit.UnitId)));

    /// <summary>Whether the appraiser is assigned this criterion of this unit (by unit, by field, or both).</summary>
    static bool Appraises(Actor a, UnitContext x, Criterion c) =>
        a.IsAdmin || (a.Is(Roles.Appraiser) && x.Assignments.Any(s => s.UserId == a.UserId &&
            (s.UnitId is null || s.UnitId == x.CycleUnit.UnitId) && (s.CriterionCode is null || InField(c.Code, s.CriterionCode))));

    static bool InField(string code, string field) => code == field || code.StartsWith(field + ".", StringComparison.Ordinal);

    static Failure Published() => Failure.Refused("Kết quả đã công bố: mọi điểm đã được khoá, không thể thay đổi.");

    static void RequireVisible(Actor actor, UnitContext x) =>
        actor.Require(CanSee(actor, x), "Bạn chỉ được xem và sửa bản đánh giá của đơn vị mình, hoặc đơn vị được phân công thẩm định.");

    // ---- audit and dialogue ----

    AuditEntry Audit(Actor actor, AssessmentCycle cycle, string field, string? old, string? @new, string? reason, string? unitCode = null) =>
        db.Audit.Add(new AuditEntry
        {
            At = Now, User = actor.Name, Subject = $"assessment:{cycle.Year}:{cycle.Id}" + (unitCode is null ? "" : ":" + unitCode),
            Field = field, OldValue = old, NewValue = @new, Reason = reason,
        }).Entity;

    void Say(AssessmentItem item, Actor actor, DialogueStep step, decimal? points, string? text) =>
        item.Messages.Add(new AssessmentMessage { At = Now, User = actor.Name, Step = step, Points = points, Text = text });

    static string? Num(decimal? v) => v?.ToString(CultureInfo.InvariantCulture);

    /// <summary>Saves; a concurrent save of the same item or unit becomes a conflict carrying what is saved now.</summary>
    async Task<Failure?> SaveAsync(Func<Task<object?>> current, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Failure.Conflict("Người khác vừa lưu tiêu chí này; không có gì của bạn bị ghi đè. Hãy xem giá trị mới rồi lưu lại.", await current());
        }
    }
}
