using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChiSo.Data;
using ChiSo.Features.Assessments;
using ChiSo.Features.Frameworks;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Audit;

/// <summary>An audit row as a person reads it: the time in Hanoi, what changed in words (with where to see it), old and
/// new values as text rather than the keys and JSON the chain seals. The row itself stays as it was written.</summary>
public sealed record AuditLine(long Id, long? Seq, string When, string User, string Subject, string? SubjectLink, string Field,
    CriterionLabel? Criterion, string Old, string New, string Reason);

public static partial class AuditText
{
    /// <summary>Describes the rows with the names of indices, criteria and units they refer to.</summary>
    public static async Task<List<AuditLine>> DescribeAsync(ChiSoDb db, IReadOnlyList<AuditEntry> entries, CancellationToken ct = default)
    {
        var names = await CriterionNames.LoadAsync(db, ct);
        var units = await db.Units.AsNoTracking().Select(u => new { u.Id, u.Code, u.Name }).ToListAsync(ct);
        var unitName = units.GroupBy(u => u.Code).ToDictionary(g => g.Key, g => g.Last().Name);
        var unitById = units.ToDictionary(u => u.Id, u => u.Name);
        // Only an appraiser's assignment keeps an account id: the accounts are read when one is among the rows.
        var users = entries.Any(e => e.Field == "appraiser")
            ? await db.Users.AsNoTracking().Select(u => new { u.Id, u.UserName, u.DisplayName }).ToDictionaryAsync(u => u.Id, ct)
            : [];
        return entries.Select(e => Describe(e, names, code => unitName.GetValueOrDefault(code, code),
            id => users.TryGetValue(id, out var u) ? $"{u.DisplayName} ({u.UserName})" : null, id => unitById.GetValueOrDefault(id))).ToList();
    }

    /// <param name="user">An account's name by its id, for rows that keep the id (an appraiser's assignment).</param>
    /// <param name="unitById">A unit's name by its id, likewise.</param>
    public static AuditLine Describe(AuditEntry e, CriterionNames names, Func<string, string> unit, Func<string, string?>? user = null,
        Func<int, string?>? unitById = null)
    {
        var parts = e.Subject.Split(':');
        string subject = e.Subject, field = e.Field;
        string? old = e.OldValue, @new = e.NewValue;
        string? link = null;
        CriterionLabel? criterion = null;
        switch (parts)
        {
            case ["result" or "target", var key, var year, var code]:
                subject = $"{(parts[0] == "result" ? "Kết quả" : "Mục tiêu")} {names.Framework(key)} năm {year} — {unit(code)}";
                link = $"/overview?f={key}&y={year}";
                criterion = e.Field is "total" ? null : names.Of(key, e.Field, int.TryParse(year, out var resultYear) ? resultYear : null);
                if (criterion?.Name is null) criterion = null;
                field = e.Field is "total" ? "Tổng điểm" : criterion is null ? e.Field : "";
                break;
            case ["framework", var k, var y] when e.Field == "leads":
                subject = $"Đơn vị chủ trì của {names.Framework(k)} năm {y}";
                break;
            case ["framework", var key, var label]:
                subject = $"Bộ chỉ số {names.Framework(key)}, phiên bản {label}";
                link = $"/khung-chi-so/{key}/{label}/sua";
                var slash = e.Field.IndexOf('/');
                criterion = names.InVersion(key, label, slash < 0 ? e.Field : e.Field[..slash]);
                field = slash < 0 ? "" : FieldName(e.Field[(slash + 1)..]);
                break;
            case ["assessment", var year, var id, ..]:
                subject = $"Kỳ đánh giá năm {year}" + (parts.Length > 3 ? $" — {unit(parts[3])}" : "");
                link = $"/danh-gia/{id}" + (parts.Length > 3 ? $"/don-vi/{parts[3]}" : "");
                field = FieldName(e.Field);
                // A cycle's status and a unit's step are kept as their names in the code ("Draft", "Submitted"): read as the pages say them.
                (old, @new) = (Step(e.Field, old), Step(e.Field, @new));
                if (e.Field == "appraiser") (old, @new) = (Assignment(old, user, unitById), Assignment(@new, user, unitById));
                break;
            case ["user", var name]:
                subject = $"Tài khoản {name}";
                field = FieldName(e.Field);
                break;
            case ["unit", var code]:
                subject = $"Đơn vị {unit(code)}";
                field = FieldName(e.Field);
                break;
            case ["plan", var id]:
                subject = $"Kế hoạch số {id} trong hệ thống";
                link = $"/plans/{id}";
                field = FieldName(e.Field);
                break;
            case ["task", var id]:
                subject = $"Nhiệm vụ số {id} trong hệ thống";
                link = $"/tasks/{id}";
                field = e.Field.StartsWith("holder:", StringComparison.Ordinal) ? $"Chuyển phần việc của {unit(e.Field[7..])}" : FieldName(e.Field);
                break;
            case ["survey-round", var id]:
                subject = $"Đợt khảo sát số {id}";
                link = $"/surveys/rounds/{id}";
                field = FieldName(e.Field);
                break;
            case ["questionnaire", var id]:
                subject = $"Phiếu khảo sát số {id}";
                link = $"/surveys/questionnaires/{id}";
                field = FieldName(e.Field);
                break;
            case ["demo", var year]:
                subject = $"Kỳ minh họa năm {year}";
                field = FieldName(e.Field);
                break;
            case ["plan-tasks"]:
                subject = "Nhiệm vụ của các kế hoạch";
                field = FieldName(e.Field);
                break;
        }
        return new AuditLine(e.Id, e.Seq, ViText.DateTime(e.At), e.User, subject, link, field, criterion,
            Value(old, names), Value(@new, names), Reason(e.Reason, names));
    }

    /// <summary>An appraiser's assignment as kept ("account id|unit id|field"): who, which unit (or all), which field (or all).</summary>
    static string? Assignment(string? value, Func<string, string?>? user, Func<int, string?>? unitById)
    {
        if (value?.Split('|') is not [var who, var unitId, var field]) return value;
        var unitText = int.TryParse(unitId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? unitById?.Invoke(id) ?? $"đơn vị số {id}" : "mọi đơn vị";
        return $"{user?.Invoke(who) ?? who} — {unitText} — {(field.Length == 0 ? "mọi tiêu chí" : "tiêu chí " + field)}";
    }

    static string? Step(string field, string? value) => field switch
    {
        "cycle" when Enum.TryParse<CycleStatus>(value, out var c) => AssessmentService.StatusLabel(c),
        "stage" when Enum.TryParse<UnitStage>(value, out var s) => AssessmentService.StageLabel(s),
        _ => value,
    };

    /// <summary>A value as text: numbers in Vietnamese form, JSON objects as "tên: giá trị; …", lists joined.</summary>
    public static string Value(string? raw, CriterionNames? names = null)
    {
        if (string.IsNullOrWhiteSpace(raw)) return "";
        if (decimal.TryParse(raw, NumberStyles.Number, CultureInfo.InvariantCulture, out var d)) return ViText.Num(d, ViText.Vi);
        var t = raw.TrimStart();
        if (t.StartsWith('{') || t.StartsWith('['))
        {
            try
            {
                using var doc = JsonDocument.Parse(raw);
                return Json(doc.RootElement);
            }
            catch (JsonException) { }
        }
        return names is null ? raw : CriterionKey().Replace(raw, m => names.Parse(m.Value)?.Text ?? m.Value);
    }

    static string Json(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => string.Join("; ", e.EnumerateObject().Select(p => $"{FieldName(p.Name)}: {Json(p.Value)}")),
        JsonValueKind.Array => string.Join(", ", e.EnumerateArray().Select(Json)),
        JsonValueKind.Number => ViText.Num(e.GetDecimal(), ViText.Vi),
        JsonValueKind.True => "có",
        JsonValueKind.False => "không",
        JsonValueKind.Null => "—",
        _ => e.ToString(),
    };

    /// <summary>The built-in data's reason names its file ("Dữ liệu có sẵn (papi.json)"): say which index instead.</summary>
    static string Reason(string? reason, CriterionNames names)
    {
        if (reason is null) return "";
        var m = BuiltInReason().Match(reason);
        return m.Success ? $"Dữ liệu có sẵn của ChiSo: {names.Framework(m.Groups[1].Value)}" : reason;
    }

    /// <summary>The audit's field names in words; an unknown one as it is.</summary>
    public static string FieldName(string field) => field switch
    {
        "name" => "Tên",
        "nameEn" => "Tên tiếng Anh",
        "max" => "Điểm tối đa",
        "method" => "Cách chấm",
        "kind" => "Loại",
        "notes" => "Ghi chú",
        "order" => "Thứ tự",
        "parent" => "Thuộc",
        "rule" => "Quy tắc chấm",
        "levels" => "Các mức",
        "step" => "Bước điểm",
        "answer" => "Kiểu trả lời",
        "appliesTo" => "Áp dụng cho",
        "evidence" => "Tài liệu kiểm chứng",
        "previousCodes" => "Mã trước đây",
        "cycle" => "Trạng thái kỳ",
        "status" => "Trạng thái",
        "stage" => "Bước của đơn vị",
        "appraiser" => "Phân công thẩm định",
        "password" => "Mật khẩu",
        "created" => "Tạo mới",
        "unit" => "Đơn vị",
        "tasks" => "Nhiệm vụ",
        "roles" => "Vai trò",
        "email" => "Thư điện tử",
        "active" => "Đang hoạt động",
        "deadline" => "Thời hạn",
        "build" => "Dựng kỳ minh họa",
        "leads" => "Đơn vị chủ trì",
        "total" => "Tổng điểm",
        _ => field,
    };

    [GeneratedRegex(@"^Dữ liệu có sẵn \(([a-z0-9-]+)\.json\)$")]
    private static partial Regex BuiltInReason();

    [GeneratedRegex(@"\b(par-province|sipas|papi|city-par-[a-z-]+):[0-9][0-9.]*")]
    private static partial Regex CriterionKey();
}
