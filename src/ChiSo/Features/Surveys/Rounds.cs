using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Surveys;

public sealed record RoundRequest(int Year, string Name, int QuestionnaireId, DateOnly OpensOn, DateOnly ClosesOn, decimal? Margin = null);

/// <summary>Sets one unit × group of a round's sample plan: a population N (target from the ministry's formula) or a
/// target directly; Target wins when both are given.</summary>
public sealed record QuotaRequest(string Unit, string Group, int? Population, int? Target);

public sealed record RoundSummary(int Id, int Year, string Name, string Status, DateOnly OpensOn, DateOnly ClosesOn, decimal Margin,
    int QuestionnaireId, string QuestionnaireKey, string QuestionnaireVersion, string QuestionnaireName, int Units, int Target);

public sealed record QuotaLine(int Id, int UnitId, string UnitCode, string UnitName, string Group, string GroupName, bool Closed,
    int? Population, int Target, int TokensIssued, int TokensUsed);

public sealed record GroupLine(string Code, string Name, bool Closed);

public sealed record RoundDetail(RoundSummary Round, bool OpenToday, IReadOnlyList<GroupLine> Groups, IReadOnlyList<QuotaLine> Quotas);

/// <summary>An outcome of a change to a round: done, not found, or refused with messages by field.</summary>
public sealed record RoundChange<T>(T? Value, bool NotFound, Dictionary<string, string[]>? Errors)
{
    public static RoundChange<T> Done(T value) => new(value, false, null);
    public static RoundChange<T> Missing() => new(default, true, null);
    public static RoundChange<T> Invalid(string field, string message) => new(default, false, new() { [field] = [message] });
}

/// <summary>Survey rounds and their sample plans. Static functions over the DbContext: the API, the CLI and the
/// screens call the same ones.</summary>
public static class Rounds
{
    /// <summary>Who runs surveys (questionnaires, rounds, tokens, paper forms, review, publication): the standing agency and
    /// the survey institute.</summary>
    public static bool MayManage(Actor actor) => actor.IsAdmin || actor.Is(Roles.SurveyInstitute);

    /// <summary>Who reads what respondents gave (progress, flagged answers, answers, scores): those, and leaders.</summary>
    public static bool MayRead(Actor actor) => MayManage(actor) || actor.Is(Roles.Leader);

    internal static void RequireManage(Actor actor) =>
        actor.Require(MayManage(actor), "Chỉ cơ quan thường trực và đơn vị điều tra xã hội học được quản lý khảo sát.");

    internal static void RequireRead(Actor actor) =>
        actor.Require(MayRead(actor), "Chỉ cơ quan thường trực, đơn vị điều tra xã hội học và lãnh đạo được xem phiếu và kết quả khảo sát.");

    /// <summary>Only an open round, within its dates, takes answers (every channel checks this).</summary>
    public static bool RoundIsOpen(SurveyRound round, DateOnly today) => RoundIsOpen(round.Status, round.OpensOn, round.ClosesOn, today);

    public static bool RoundIsOpen(RoundStatus status, DateOnly opensOn, DateOnly closesOn, DateOnly today) =>
        status == RoundStatus.Open && opensOn <= today && today <= closesOn;

    /// <summary>The day in Hanoi: a round closing "on 30/12" closes at midnight local time, not UTC.</summary>
    public static DateOnly Today(TimeProvider clock) => Plans.TaskBoard.Today(clock);

    /// <summary>The ministry's n = N / (1 + N·e²), for the sample-plan helper and quotas given as N.</summary>
    public static int Target(int population, decimal margin) => SurveyStatistics.SampleSize(population, (double)margin);

    public static async Task<List<RoundSummary>> ListAsync(ChiSoDb db, int? year = null, CancellationToken ct = default)
    {
        var rounds = await db.SurveyRounds.AsNoTracking().Include(r => r.Questionnaire)
            .Where(r => year == null || r.Year == year).OrderByDescending(r => r.Year).ThenBy(r => r.Id).ToListAsync(ct);
        var ids = rounds.Select(r => r.Id).ToList();
        var quotas = await db.Set<RoundQuota>().AsNoTracking().Where(q => ids.Contains(q.RoundId))
            .Select(q => new { q.RoundId, q.UnitId, q.Target }).ToListAsync(ct);
        return rounds.Select(r => Summary(r, quotas.Where(q => q.RoundId == r.Id).Select(q => q.UnitId).Distinct().Count(),
            quotas.Where(q => q.RoundId == r.Id).Sum(q => q.Target))).ToList();
    }

    static RoundSummary Summary(SurveyRound r, int units, int target) => new(r.Id, r.Year, r.Name, r.Status.ToString(), r.OpensOn, r.ClosesOn, r.Margin,
        r.QuestionnaireId, r.Questionnaire!.Key, r.Questionnaire.Version, r.Questionnaire.Name, units, target);

    public static async Task<RoundDetail?> GetAsync(ChiSoDb db, int id, DateOnly today, CancellationToken ct = default)
    {
        var r = await db.SurveyRounds.AsNoTracking().Include(x => x.Questionnaire).ThenInclude(q => q!.Groups)
            .Include(x => x.Quotas).ThenInclude(q => q.Unit).AsSplitQuery().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (r is null) return null;
        // Counts only, per unit × group: as many as the responses themselves show, nothing that identifies a respondent.
        var tokens = await db.SurveyTokens.AsNoTracking().Where(t => t.RoundId == id).GroupBy(t => new { t.UnitId, t.Group })
            .Select(g => new { g.Key.UnitId, g.Key.Group, Issued = g.Count(), Used = g.Count(t => t.Used) }).ToListAsync(ct);
        var groups = r.Questionnaire!.Groups.OrderBy(g => g.Id).ToList();
        var quotas = r.Quotas.OrderBy(q => q.Unit!.Code).ThenBy(q => groups.FindIndex(g => g.Code == q.Group)).Select(q =>
        {
            var g = groups.FirstOrDefault(x => x.Code == q.Group);
            var t = tokens.FirstOrDefault(x => x.UnitId == q.UnitId && x.Group == q.Group);
            return new QuotaLine(q.Id, q.UnitId, q.Unit!.Code, q.Unit.Name, q.Group, g?.Name ?? q.Group, g?.Closed ?? false,
                q.Population, q.Target, t?.Issued ?? 0, t?.Used ?? 0);
        }).ToList();
        return new RoundDetail(Summary(r, quotas.Select(q => q.UnitId).Distinct().Count(), quotas.Sum(q => q.Target)), RoundIsOpen(r, today),
            groups.Select(g => new GroupLine(g.Code, g.Name, g.Closed)).ToList(), quotas);
    }

    public static async Task<RoundChange<int>> CreateAsync(ChiSoDb db, RoundRequest request, Actor actor, CancellationToken ct = default)
    {
        RequireManage(actor);
        if (Check(request.Year, request.Name, request.OpensOn, request.ClosesOn, request.Margin) is { } error) return error;
        if (!await db.Questionnaires.AnyAsync(q => q.Id == request.QuestionnaireId, ct))
            return RoundChange<int>.Invalid("questionnaireId", $"Không có phiếu khảo sát số {request.QuestionnaireId}.");
        var round = new SurveyRound
        {
            Year = request.Year, Name = request.Name.Trim(), QuestionnaireId = request.QuestionnaireId, OpensOn = request.OpensOn,
            ClosesOn = request.ClosesOn, Margin = request.Margin ?? 0.05m, Status = RoundStatus.Draft,
        };
        db.SurveyRounds.Add(round);
        await db.SaveChangesAsync(ct);
        return RoundChange<int>.Done(round.Id);
    }

    /// <summary>Renames a round or moves its dates; the questionnaire and margin stay (answers and targets rest on them).</summary>
    public static async Task<RoundChange<int>> EditAsync(ChiSoDb db, int id, string name, DateOnly opensOn, DateOnly closesOn, Actor actor, CancellationToken ct = default)
    {
        RequireManage(actor);
        var round = await db.SurveyRounds.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (round is null) return RoundChange<int>.Missing();
        if (Check(round.Year, name, opensOn, closesOn, round.Margin) is { } error) return error;
        round.Name = name.Trim();
        round.OpensOn = opensOn;
        round.ClosesOn = closesOn;
        await db.SaveChangesAsync(ct);
        return RoundChange<int>.Done(id);
    }

    static RoundChange<int>? Check(int year, string? name, DateOnly opensOn, DateOnly closesOn, decimal? margin)
    {
        if (year is < 2000 or > 2100) return RoundChange<int>.Invalid("year", $"Năm {year} không hợp lệ.");
        if (string.IsNullOrWhiteSpace(name)) return RoundChange<int>.Invalid("name", "Cần đặt tên đợt khảo sát.");
        if (closesOn < opensOn) return RoundChange<int>.Invalid("closesOn", "Ngày kết thúc phải sau ngày bắt đầu.");
        if (margin is { } e && (e <= 0 || e >= 0.5m)) return RoundChange<int>.Invalid("margin", "Sai số e phải lớn hơn 0 và nhỏ hơn 0,5 (ví dụ 0,05).");
        return null;
    }

    public static async Task<RoundChange<int>> SetStatusAsync(ChiSoDb db, int id, RoundStatus status, Actor actor, TimeProvider clock, CancellationToken ct = default)
    {
        RequireManage(actor);
        var round = await db.SurveyRounds.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (round is null) return RoundChange<int>.Missing();
        if (status == RoundStatus.Open && !await db.Set<RoundQuota>().AnyAsync(q => q.RoundId == id, ct))
            return RoundChange<int>.Invalid("status", "Chưa có kế hoạch mẫu (đơn vị × nhóm): hãy thêm chỉ tiêu trước khi mở đợt.");
        if (round.Status != status)
            db.Audit.Add(new AuditEntry
            {
                At = clock.GetUtcNow().UtcDateTime, User = actor.Name, Subject = $"survey-round:{id}", Field = "status",
                OldValue = StatusText(round.Status), NewValue = StatusText(status), Reason = status switch
                {
                    RoundStatus.Open => "Mở đợt khảo sát: nhận phiếu trong thời gian của đợt",
                    RoundStatus.Closed => "Đóng đợt khảo sát: không nhận phiếu mới, mã chưa dùng hết hiệu lực",
                    _ => "Đưa đợt khảo sát về nháp",
                },
            });
        round.Status = status;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        if (status == RoundStatus.Closed) await RetireLegacyMarkersAsync(db, id, ct);
        await tx.CommitAsync(ct);
        return RoundChange<int>.Done(id);
    }

    /// <summary>A round's status as the pages show it; the audit keeps these words, so the log reads without a key.</summary>
    public static string StatusText(RoundStatus status) => status switch
    {
        RoundStatus.Open => "Đang mở",
        RoundStatus.Closed => "Đã đóng",
        _ => "Nháp",
    };

    /// <summary>Markers written before decision 0014 are plain hashes that anyone with the list of tokens or dossier codes can
    /// recompute. They are kept only while the round takes answers: when it closes, its legacy dossier rows go and its unused
    /// legacy tokens get a random value (they stay counted as issued, and can no longer be used, like every token of a closed round).</summary>
    static async Task RetireLegacyMarkersAsync(ChiSoDb db, int roundId, CancellationToken ct)
    {
        await db.UsedDossiers.Where(d => d.RoundId == roundId && d.Legacy).ExecuteDeleteAsync(ct);
        foreach (var old in await db.SurveyTokens.Where(t => t.RoundId == roundId && t.Legacy).Select(t => t.Hash).ToListAsync(ct))
        {
            var random = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            await db.SurveyTokens.Where(t => t.Hash == old).ExecuteUpdateAsync(u => u.SetProperty(t => t.Hash, random).SetProperty(t => t.Legacy, false), ct);
        }
    }

    /// <summary>Adds or updates quotas, all or nothing.</summary>
    public static async Task<RoundChange<int>> SetQuotasAsync(ChiSoDb db, int id, IReadOnlyList<QuotaRequest> quotas, Actor actor, CancellationToken ct = default)
    {
        RequireManage(actor);
        var round = await db.SurveyRounds.Include(r => r.Quotas).Include(r => r.Questionnaire).ThenInclude(q => q!.Groups)
            .FirstOrDefaultAsync(r => r.Id == id, ct);
        if (round is null) return RoundChange<int>.Missing();
        var codes = quotas.Select(q => q.Unit.Trim()).Distinct().ToList();
        var units = await db.Units.AsNoTracking().Where(u => codes.Contains(u.Code)).ToDictionaryAsync(u => u.Code, u => u.Id, ct);
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < quotas.Count; i++)
        {
            var q = quotas[i];
            var messages = new List<string>();
            if (!units.ContainsKey(q.Unit.Trim())) messages.Add($"Không có đơn vị mã '{q.Unit}'.");
            if (round.Questionnaire!.Groups.All(g => g.Code != q.Group.Trim()))
                messages.Add($"Phiếu {round.Questionnaire.Key} không có nhóm '{q.Group}' (có: {string.Join(", ", round.Questionnaire.Groups.Select(g => g.Code))}).");
            if (q.Population is null && q.Target is null) messages.Add("Cần nhập quy mô tổng thể N hoặc số phiếu mục tiêu.");
            if (q.Population is < 0) messages.Add("Quy mô tổng thể N không được âm.");
            if (q.Target is < 0) messages.Add("Số phiếu mục tiêu không được âm.");
            if (messages.Count > 0) errors[$"quotas[{i}]"] = [.. messages];
        }
        if (errors.Count > 0) return new RoundChange<int>(0, false, errors);
        foreach (var q in quotas)
        {
            var unitId = units[q.Unit.Trim()];
            var quota = round.Quotas.FirstOrDefault(x => x.UnitId == unitId && x.Group == q.Group.Trim());
            if (quota is null) round.Quotas.Add(quota = new RoundQuota { UnitId = unitId, Group = q.Group.Trim() });
            quota.Population = q.Population;
            quota.Target = q.Target ?? Target(q.Population!.Value, round.Margin);
        }
        await db.SaveChangesAsync(ct);
        return RoundChange<int>.Done(id);
    }

    public static async Task<bool> RemoveQuotaAsync(ChiSoDb db, int id, int quotaId, Actor actor, CancellationToken ct = default)
    {
        RequireManage(actor);
        return await db.Set<RoundQuota>().Where(q => q.RoundId == id && q.Id == quotaId).ExecuteDeleteAsync(ct) == 1;
    }
}
