using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Surveys;

/// <summary>Tokens handed out once; <see cref="Url"/> is the personal link (relative to the site) to print or send.</summary>
public sealed record IssuedTokens(int RoundId, string Unit, string Group, IReadOnlyList<IssuedToken> Tokens)
{
    /// <summary>The tokens as CSV (number, token, personal link).</summary>
    public byte[] Csv(string baseUrl = "")
    {
        var csv = new ChiSo.Csv("STT", "Mã", "Đường dẫn");
        for (var i = 0; i < Tokens.Count; i++)
            csv.Row((i + 1).ToString(CultureInfo.InvariantCulture), Tokens[i].Token, baseUrl.TrimEnd('/') + Tokens[i].Url);
        return csv.ToBytes();
    }
}

public sealed record IssuedToken(string Token, string Url);

/// <summary>One-time tokens for closed respondent groups. Only a token's keyed marker is stored (<see cref="SurveyMarkers"/>),
/// and marking it used records nothing about the answer, not even the time, so neither the database nor its backups can
/// join a respondent to a response (docs/decisions/0005 and 0014).</summary>
public static class Tokens
{
    public const int Length = 16;
    public const int MaxPerBatch = 10_000;
    // URL-safe and without look-alikes (0/O, 1/l/I), because tokens are also typed from paper letters.
    const string Alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>16 characters of a 57-letter alphabet: about 93 bits, far beyond guessing through a rate-limited form.</summary>
    public static string NewToken() => RandomNumberGenerator.GetString(Alphabet, Length);

    /// <summary>The public form's address: /khao-sat/{round}/{unit}?g={group}[&amp;t={token}|&amp;d={dossier}].</summary>
    public static string FormUrl(int roundId, string unitCode, string? group = null, string? token = null, string? dossier = null)
    {
        var url = new StringBuilder($"/khao-sat/{roundId}/{Uri.EscapeDataString(unitCode)}");
        var sep = '?';
        void Add(string name, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) return;
            url.Append(sep).Append(name).Append('=').Append(Uri.EscapeDataString(value.Trim()));
            sep = '&';
        }
        Add("g", group);
        Add("t", token);
        Add("d", dossier);
        return url.ToString();
    }

    /// <summary>Creates <paramref name="count"/> tokens for a closed group of a unit surveyed by the round. The plain tokens
    /// are in the result and nowhere else: shown once, they cannot be recovered (issue new ones instead).</summary>
    public static async Task<RoundChange<IssuedTokens>> GenerateAsync(ChiSoDb db, SurveyMarkers markers, int roundId, string unitCode, string group, int count, Actor actor,
        CancellationToken ct = default)
    {
        Rounds.RequireManage(actor);
        var round = await db.SurveyRounds.AsNoTracking().Include(r => r.Questionnaire).ThenInclude(q => q!.Groups)
            .FirstOrDefaultAsync(r => r.Id == roundId, ct);
        if (round is null) return RoundChange<IssuedTokens>.Missing();
        if (count is < 1 or > MaxPerBatch) return RoundChange<IssuedTokens>.Invalid("count", "Số mã phải từ 1 đến 10.000.");
        var unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == unitCode.Trim(), ct);
        if (unit is null) return RoundChange<IssuedTokens>.Invalid("unit", $"Không có đơn vị mã '{unitCode}'.");
        var g = round.Questionnaire!.Groups.FirstOrDefault(x => x.Code == group.Trim());
        if (g is null) return RoundChange<IssuedTokens>.Invalid("group", $"Phiếu không có nhóm '{group}'.");
        if (!g.Closed)
            return RoundChange<IssuedTokens>.Invalid("group", $"Nhóm '{g.Name}' là nhóm mở: trả lời qua đường dẫn hoặc mã QR, không cần mã một lần.");
        if (!await db.Set<RoundQuota>().AnyAsync(q => q.RoundId == roundId && q.UnitId == unit.Id && q.Group == g.Code, ct))
            return RoundChange<IssuedTokens>.Invalid("unit", $"Đợt khảo sát chưa có chỉ tiêu cho {unit.Name} × {g.Name}: hãy thêm vào kế hoạch mẫu trước.");

        var issued = new List<IssuedToken>(count);
        var rows = new List<SurveyToken>(count);
        for (var i = 0; i < count; i++)
        {
            var token = NewToken();
            issued.Add(new IssuedToken(token, FormUrl(roundId, unit.Code, g.Code, token)));
            rows.Add(new SurveyToken { RoundId = roundId, UnitId = unit.Id, Group = g.Code, Hash = markers.Token(roundId, token).Keyed });
        }
        // Inserted in the markers' order, not the list's: the list (its CSV, its printed letters) cannot be laid against the
        // order rows were written in (PostgreSQL's heap keeps that order).
        db.SurveyTokens.AddRange(rows.OrderBy(t => t.Hash, StringComparer.Ordinal));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return RoundChange<IssuedTokens>.Done(new IssuedTokens(roundId, unit.Code, g.Code, issued));
    }

    /// <summary>Marks a token used in one conditional UPDATE (… WHERE Hash = @h AND Used = false): of two submissions racing
    /// with one token exactly one sees one affected row. Returns whose token it was, or null when it is unknown, of
    /// another round, or already used. Call it in the transaction that stores the answer, so a failed insert gives
    /// the token back.</summary>
    public static async Task<(int UnitId, string Group)?> TryUseTokenAsync(ChiSoDb db, SurveyMarkers markers, int roundId, string token,
        CancellationToken ct = default)
    {
        if (!Usable(token)) return null;
        var (hash, legacy) = markers.Token(roundId, token);
        var used = await db.SurveyTokens.Where(t => t.RoundId == roundId && (t.Hash == hash || (t.Legacy && t.Hash == legacy)) && !t.Used)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.Used, true).SetProperty(t => t.Hash, hash).SetProperty(t => t.Legacy, false), ct);
        if (used != 1) return null;
        var t = await db.SurveyTokens.AsNoTracking().Where(t => t.Hash == hash).Select(t => new { t.UnitId, t.Group }).FirstAsync(ct);
        return (t.UnitId, t.Group);
    }

    /// <summary>Whether a string can be a token at all (longer ones are refused before they are hashed).</summary>
    public static bool Usable(string? token) => !string.IsNullOrWhiteSpace(token) && token.Length <= 100;

    /// <summary>Whose an unused token is, without using it: for showing the form before it is submitted.</summary>
    public static async Task<(int UnitId, string Group)?> FindUnusedAsync(ChiSoDb db, SurveyMarkers markers, int roundId, string token,
        CancellationToken ct = default)
    {
        if (!Usable(token)) return null;
        var (hash, legacy) = markers.Token(roundId, token);
        var t = await db.SurveyTokens.AsNoTracking().Where(t => t.RoundId == roundId && (t.Hash == hash || (t.Legacy && t.Hash == legacy)) && !t.Used)
            .Select(t => new { t.UnitId, t.Group }).FirstOrDefaultAsync(ct);
        return t is null ? null : (t.UnitId, t.Group);
    }
}
