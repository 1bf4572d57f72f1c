using ChiSo.Features.Accounts;
using System.Globalization;
using ChiSo.Features.Gaps;
using ChiSo.Features.Results;
using ChiSo.Features.Units;
using ChiSo.Features.Files;

namespace ChiSo.Features.Frameworks;

/// <summary>A framework year as an Excel appendix in the seeds' layout (STT, Lĩnh vực, Điểm tối đa,
/// Kết quả năm N, Mục tiêu năm N+1, Đơn vị chủ trì), with the framework's details on a second sheet so
/// that the file imports back whole.</summary>
public sealed class FrameworkExcel(FrameworkImporter importer)
{
    public const string TableSheet = "Phụ lục";
    public const string InfoSheet = "Thông tin";
    const string Code = "STT", Name = "Lĩnh vực", Max = "Điểm tối đa", Lead = "Đơn vị chủ trì", Method = "Phương pháp chấm",
        NameEn = "Tên tiếng Anh", Notes = "Ghi chú", DataNote = "Ghi chú số liệu", Total = "Tổng cộng";
    // The scoring rule of the city's unit indices: optional columns after the appendix's own, so that older
    // workbooks without them still import (every criterion then takes the defaults).
    const string Kind = "Loại", AppliesTo = "Áp dụng cho", Answer = "Kiểu trả lời", Step = "Bước điểm", Levels = "Các mức",
        AllowNotApplicable = "Cho phép không áp dụng", EvidenceRequired = "Cần tài liệu kiểm chứng", Rule = "Cách chấm",
        PreviousCodes = "Mã năm trước";
    static string ResultHeader(int year) => $"Kết quả năm {year}";
    static string TargetHeader(int year) => $"Mục tiêu năm {year}";

    static readonly (string Key, string Label)[] InfoRows =
    [
        ("key", "Mã bộ chỉ số"), ("name", "Tên bộ chỉ số"), ("nameEn", "Tên tiếng Anh"), ("scale", "Thang điểm (điểm/phần trăm)"),
        ("rollUp", "Cộng dồn (cộng/không cộng)"), ("publisher", "Cơ quan công bố"), ("version", "Phiên bản"), ("versionName", "Tên phiên bản"),
        ("validFrom", "Áp dụng từ năm"), ("validTo", "Áp dụng đến năm"), ("versionSource", "Nguồn phiên bản"), ("unit", "Đơn vị được đánh giá"),
        ("year", "Năm kết quả"), ("rank", "Xếp hạng"), ("band", "Nhóm"), ("resultSource", "Nguồn kết quả"),
        ("publishedOn", "Ngày công bố (dd/MM/yyyy)"), ("resultNotes", "Ghi chú kết quả"), ("targetSource", "Nguồn mục tiêu"),
    ];

    /// <summary>Writes the version valid in <paramref name="year"/> with that year's result and the next year's
    /// targets for the first unit the document has results for.</summary>
    public void Write(FrameworkDocument doc, int year, Stream output)
    {
        var version = doc.Versions.Single();
        var result = doc.Results.FirstOrDefault(r => r.Year == year);
        var target = doc.Targets.FirstOrDefault(t => t.Year == year + 1 && (result is null || t.Unit == result.Unit));
        var rows = new List<Dictionary<string, object?>>
        {
            Row("", Total, null, version.Max, result?.Total, TargetCell(target?.Total), "", "", null, result?.Notes, year, null),
        };
        foreach (var c in FrameworkImporter.Flatten(version.Criteria))
            rows.Add(Row(c.Code, c.Name, c.NameEn, c.Max,
                result?.Scores.TryGetValue(c.Code, out var s) == true ? s : null,
                target?.Criteria.TryGetValue(c.Code, out var t) == true ? TargetCell(t) : null,
                string.Join("; ", c.Lead.Select(l => l.Scope is null ? l.Agency : $"{l.Agency} ({l.Scope})")),
                CriterionRules.ParseMethod(c.Method) is { } m ? m.Vietnamese() : c.Method, c.Notes,
                Join(result?.Missing.GetValueOrDefault(c.Code), target?.Missing.GetValueOrDefault(c.Code) is { } tm ? TargetNote + tm : null),
                year, c));

        var info = new Dictionary<string, string?>
        {
            ["key"] = doc.Key, ["name"] = doc.Name, ["nameEn"] = doc.NameEn, ["scale"] = doc.Scale switch { "percent" => "phần trăm", "points" => "điểm", var x => x },
            ["rollUp"] = doc.RollUp switch { "sum" => "cộng", "none" => "không cộng", var x => x },
            ["publisher"] = doc.Publisher, ["version"] = version.Label, ["versionName"] = version.Name,
            ["validFrom"] = version.ValidFromYear.ToString(CultureInfo.InvariantCulture),
            ["validTo"] = version.ValidToYear?.ToString(CultureInfo.InvariantCulture), ["versionSource"] = version.Source,
            ["unit"] = result?.Unit ?? target?.Unit, ["year"] = year.ToString(CultureInfo.InvariantCulture),
            ["rank"] = result?.Rank is { } r ? (result.RankOf is { } of ? $"{r}/{of}" : $"{r}") : null, ["band"] = result?.Band,
            ["resultSource"] = result?.Source, ["publishedOn"] = ViText.Date(result?.PublishedOn), ["resultNotes"] = result?.Notes,
            ["targetSource"] = target?.Source,
        };
        var sheets = new Dictionary<string, object>
        {
            [TableSheet] = rows,
            [InfoSheet] = InfoRows.Select(i => new Dictionary<string, object?> { ["Mục"] = i.Label, ["Giá trị"] = info[i.Key], ["Mã"] = i.Key }).ToList(),
        };
        output.WriteXlsx(sheets);
    }

    // A new line, not "; ": the notes themselves are sentences that use semicolons.
    static string? Join(string? a, string? b) => a is null ? b : b is null ? a : $"{a}\n{b}";

    const string TargetNote = "Mục tiêu: ";

    /// <summary>Splits a data note cell back into the result's note and the target's ("Mục tiêu: ..." on its own line).</summary>
    static (string? Result, string? Target) SplitNote(string? cell)
    {
        if (cell is null) return (null, null);
        if (cell.StartsWith(TargetNote, StringComparison.Ordinal)) return (null, cell[TargetNote.Length..]);
        var at = cell.IndexOf("\n" + TargetNote, StringComparison.Ordinal);
        return at < 0 ? (cell, null) : (cell[..at].TrimEnd(), cell[(at + 1 + TargetNote.Length)..]);
    }

    static Dictionary<string, object?> Row(string code, string name, string? nameEn, decimal? max, decimal? result, object? target,
        string lead, string method, string? notes, string? dataNote, int year, CriterionDocument? c) => new()
    {
        [Code] = code, [Name] = name, [Max] = max, [ResultHeader(year)] = result, [TargetHeader(year + 1)] = target,
        [Lead] = lead, [Method] = method, [NameEn] = nameEn, [Notes] = notes, [DataNote] = dataNote,
        [Kind] = c is null ? "" : CriterionRules.ParseKind(c.Kind) is { } k ? k.Vietnamese() : c.Kind,
        [AppliesTo] = c is null ? "" : string.Join("; ", c.AppliesTo.Select(a => CriterionRules.ParseUnitKind(a) is { } u ? u.Vietnamese() : a)),
        [Answer] = c is null ? "" : CriterionRules.ParseAnswer(c.Answer) is { } a ? a.Vietnamese() : c.Answer,
        [Step] = c?.Step,
        [Levels] = c is null ? "" : CriterionRules.FormatLevels(c.Levels),
        [AllowNotApplicable] = c is null ? "" : YesNo(c.AllowNotApplicable),
        [EvidenceRequired] = c is null ? "" : YesNo(c.EvidenceRequired),
        [Rule] = c?.Rule,
        [PreviousCodes] = c is null ? "" : CriterionRules.FormatCodes(c.PreviousCodes),
    };

    static string YesNo(bool b) => b ? "Có" : "Không";

    /// <summary>A yes/no cell: "Có", "x" or empty; null when the cell says something else.</summary>
    static bool? ParseYesNo(string? cell) => cell?.Trim().ToLowerInvariant() switch
    {
        null or "" or "không" or "no" or "false" or "0" => false,
        "có" or "x" or "yes" or "true" or "1" => true,
        _ => null,
    };

    /// <summary>A word the workbook writes in Vietnamese, back to the document's key; anything unknown is kept as
    /// written so that the import names it.</summary>
    static string AsKey<T>(string? cell, Func<string?, T?> parse, Func<T, string> key, string fallback) where T : struct =>
        cell is null ? fallback : parse(cell) is { } v ? key(v) : cell;

    /// <summary>A plain number means "at least" (as the appendices print targets); anything else keeps its sign.</summary>
    static object? TargetCell(TargetValueDocument? t) =>
        t is null ? null : Comparators.Parse(t.Comparator) == Comparator.AtLeast ? t.Value : $"{t.Comparator}{t.Value.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Rows, file size and inflated size a framework workbook may have (README "Limits of imports").</summary>
    public static readonly ImportLimits Limits = ImportLimits.Framework;

    /// <summary>Reads an appendix workbook and imports it; a single bad cell refuses the whole file. A file that cannot be
    /// read, or is past <see cref="Limits"/>, throws <see cref="FileRefused"/>.</summary>
    public async Task<ImportReport> ImportAsync(Stream xlsx, Actor actor, string reason, CancellationToken ct = default)
    {
        FrameworkEditor.RequireEdit(actor);
        var (doc, rowOf, problems) = Read(xlsx);
        if (problems.Count > 0 || doc is null) return ImportReport.Refused(problems);
        var report = await importer.ImportAsync(doc, actor, reason, ct);
        if (report.Succeeded) return report;
        return ImportReport.Refused(report.Problems.Select(p =>
            p.Where is { } w && rowOf.TryGetValue(w, out var row) ? p with { Row = row } : p).ToList()) with { MoreRows = report.MoreRows };
    }

    /// <summary>Parses the workbook into a document, with the sheet row of every criterion code.</summary>
    public static (FrameworkDocument? Doc, Dictionary<string, int> RowOf, List<ImportProblem> Problems) Read(Stream xlsx)
    {
        var problems = new List<ImportProblem>();
        var rowOf = new Dictionary<string, int>();
        var book = ImportedFiles.Workbook.Open(xlsx, Limits);
        if (!book.Has(TableSheet) || !book.Has(InfoSheet))
            return (null, rowOf, [new ImportProblem($"Tệp cần hai trang tính '{TableSheet}' và '{InfoSheet}'.")]);
        var info = new Dictionary<string, string?>();
        using (var infoSheet = book.Read(InfoSheet))
        {
            var (key, value) = (infoSheet.Column("Mã"), infoSheet.Column("Giá trị"));
            foreach (var r in infoSheet.Rows)
                if (Text(r[key]) is { } k) info.TryAdd(k, Text(r[value]));
        }
        string? Info(string key) => info.GetValueOrDefault(key);
        int? InfoInt(string key)
        {
            var s = Info(key);
            if (s is null) return null;
            if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)) return i;
            problems.Add(new ImportProblem($"'{s}' không phải là năm.") { Column = InfoSheet, Where = key });
            return null;
        }
        if (Info("key") is null) problems.Add(new ImportProblem("Trang 'Thông tin' thiếu mã bộ chỉ số (key).") { Column = InfoSheet });
        if (Info("version") is null) problems.Add(new ImportProblem("Trang 'Thông tin' thiếu phiên bản.") { Column = InfoSheet });
        var year = InfoInt("year");
        if (year is null) { problems.Add(new ImportProblem("Trang 'Thông tin' thiếu năm kết quả.") { Column = InfoSheet }); return (null, rowOf, problems); }

        using var table = book.Read(TableSheet);
        foreach (var required in new[] { Code, Name, Max, ResultHeader(year.Value), TargetHeader(year.Value + 1), Lead })
            if (table.Column(required) < 0) problems.Add(new ImportProblem($"Thiếu cột '{required}'.") { Row = 1 });
        if (problems.Count > 0) return (null, rowOf, problems);
        object? Cell(SheetRow row, string column) => row[table.Column(column)];

        decimal? Number(SheetRow row, string column, int rowNo)
        {
            var cell = Cell(row, column);
            switch (cell)
            {
                case null: return null;
                case double d: return (decimal)d;
                case decimal m: return m;
                case int i: return i;
                case long l: return l;
            }
            var s = Text(cell);
            if (s is null) return null;
            if (decimal.TryParse(s.Replace(',', '.'), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return n;
            problems.Add(new ImportProblem($"'{s}' không phải là số.") { Row = rowNo, Column = column });
            return null;
        }
        TargetValueDocument? Target(SheetRow row, string column, int rowNo)
        {
            var cell = Cell(row, column);
            if (cell is double or decimal or int or long) return new TargetValueDocument("≥", Number(row, column, rowNo)!.Value);
            var s = Text(cell);
            if (s is null) return null;
            var sign = new[] { ">=", "<=", "≥", "≤", ">", "<", "=" }.FirstOrDefault(s.StartsWith);
            var rest = sign is null ? s : s[sign.Length..].Trim();
            if (decimal.TryParse(rest.Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
                return new TargetValueDocument(Comparators.Parse(sign ?? "≥")!.Value.Symbol(), n);
            problems.Add(new ImportProblem($"Mục tiêu '{s}' không hợp lệ (ví dụ: 9,5 hoặc >92).") { Row = rowNo, Column = column });
            return null;
        }

        var nodes = new Dictionary<string, (CriterionDocument Doc, List<CriterionDocument> Children)>();
        var roots = new List<CriterionDocument>();
        var scores = new Dictionary<string, decimal>();
        var missing = new Dictionary<string, string>();
        var targets = new Dictionary<string, TargetValueDocument>();
        var targetMissing = new Dictionary<string, string>();
        decimal? totalMax = null, total = null;
        TargetValueDocument? totalTarget = null;
        foreach (var row in table.Rows)
        {
            var rowNo = row.Number;
            var code = Text(Cell(row, Code))?.TrimEnd('.');
            var name = Text(Cell(row, Name));
            if (code is null && name is null) continue;
            var max = Number(row, Max, rowNo);
            var result = Number(row, ResultHeader(year.Value), rowNo);
            var target = Target(row, TargetHeader(year.Value + 1), rowNo);
            if (code is null)
            {
                if (name is not null && name.StartsWith("Tổng", StringComparison.OrdinalIgnoreCase))
                {
                    totalMax = max; total = result; totalTarget = target;
                }
                else problems.Add(new ImportProblem($"Dòng '{name}' thiếu STT.") { Row = rowNo, Column = Code });
                continue;
            }
            if (!rowOf.TryAdd(code, rowNo))
            {
                problems.Add(new ImportProblem($"Mã tiêu chí '{code}' bị trùng (đã có ở dòng {rowOf[code]}).") { Row = rowNo, Column = Code });
                continue;
            }
            var children = new List<CriterionDocument>();
            var (levels, levelProblem) = CriterionRules.ParseLevels(Text(Cell(row, Levels)));
            if (levelProblem is not null) problems.Add(new ImportProblem(levelProblem) { Row = rowNo, Column = Levels });
            bool Flag(string column)
            {
                var cell = Text(Cell(row, column));
                if (ParseYesNo(cell) is { } b) return b;
                problems.Add(new ImportProblem($"'{cell}' không phải Có hoặc Không.") { Row = rowNo, Column = column });
                return false;
            }
            var doc = new CriterionDocument
            {
                Code = code, Name = name ?? "", NameEn = Text(Cell(row, NameEn)), Max = max,
                Method = AsKey(Text(Cell(row, Method)), CriterionRules.ParseMethod, m => m.Key(), "appraisal"), Notes = Text(Cell(row, Notes)),
                Lead = Leads(Text(Cell(row, Lead))),
                Kind = AsKey(Text(Cell(row, Kind)), CriterionRules.ParseKind, k => k.Key(), "standard"),
                AppliesTo = (Text(Cell(row, AppliesTo)) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(a => AsKey(a, CriterionRules.ParseUnitKind, u => u.Key(), a)).ToList(),
                Answer = AsKey(Text(Cell(row, Answer)), CriterionRules.ParseAnswer, a => a.Key(), "points"),
                Step = Number(row, Step, rowNo), Levels = levels,
                AllowNotApplicable = Flag(AllowNotApplicable), EvidenceRequired = Flag(EvidenceRequired),
                Rule = Text(Cell(row, Rule)), PreviousCodes = CriterionRules.ParseCodes(Text(Cell(row, PreviousCodes))),
                Children = children,
            };
            nodes[code] = (doc, children);
            var dot = code.LastIndexOf('.');
            if (dot < 0) roots.Add(doc);
            else if (nodes.TryGetValue(code[..dot], out var parent)) parent.Children.Add(doc);
            else problems.Add(new ImportProblem($"Mã '{code}' không có tiêu chí cha '{code[..dot]}' ở các dòng trên (cây tiêu chí bị lỗi).") { Row = rowNo, Column = Code });
            if (result is { } r) scores[code] = r;
            if (target is not null) targets[code] = target;
            var (resultNote, targetNote) = SplitNote(Text(Cell(row, DataNote)));
            if (resultNote is not null) missing[code] = resultNote;
            if (targetNote is not null) targetMissing[code] = targetNote;
        }
        if (totalMax is null) problems.Add(new ImportProblem($"Thiếu dòng '{Total}' với điểm tối đa của bộ chỉ số.") { Column = Name });
        if (problems.Count > 0) return (null, rowOf, problems);

        var unit = Info("unit");
        var versionLabel = Info("version")!;
        var rankText = Info("rank");
        int? rank = null, rankOf = null;
        if (rankText is not null)
        {
            var parts = rankText.Split('/');
            if (parts.Length is 1 or 2 && int.TryParse(parts[0], out var rk) && (parts.Length == 1 || int.TryParse(parts[1], out var _)))
            {
                rank = rk;
                rankOf = parts.Length == 2 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : null;
            }
            else problems.Add(new ImportProblem($"Xếp hạng '{rankText}' không hợp lệ (ví dụ: 3/63).") { Column = InfoSheet });
        }
        DateOnly? publishedOn = null;
        if (Info("publishedOn") is { } pub)
        {
            if (DateOnly.TryParseExact(pub, "dd/MM/yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) publishedOn = d;
            else problems.Add(new ImportProblem($"Ngày công bố '{pub}' không đúng dạng dd/MM/yyyy.") { Column = InfoSheet });
        }
        var document = new FrameworkDocument
        {
            Key = Info("key")!, Name = Info("name") ?? "", NameEn = Info("nameEn"), Scale = Info("scale") switch { null or "điểm" => "points", "phần trăm" => "percent", var x => x },
            RollUp = Info("rollUp") switch { null or "cộng" => "sum", "không cộng" => "none", var x => x }, Publisher = Info("publisher"),
            Versions =
            [
                new VersionDocument
                {
                    Label = versionLabel, Name = Info("versionName"), ValidFromYear = InfoInt("validFrom") ?? year.Value,
                    ValidToYear = InfoInt("validTo"), Max = totalMax!.Value, Source = Info("versionSource"), Criteria = roots,
                },
            ],
            Results = unit is null || (total is null && scores.Count == 0 && missing.Count == 0) ? [] :
            [
                new ResultDocument
                {
                    Unit = unit, Year = year.Value, Version = versionLabel, Total = total, Rank = rank, RankOf = rankOf,
                    Band = Info("band"), Source = Info("resultSource"), PublishedOn = publishedOn, Notes = Info("resultNotes"),
                    Scores = scores, Missing = missing,
                },
            ],
            Targets = unit is null || (totalTarget is null && targets.Count == 0) ? [] :
            [
                new TargetDocument
                {
                    Unit = unit, Year = year.Value + 1, Version = versionLabel, Total = totalTarget, Source = Info("targetSource"),
                    Criteria = targets, Missing = targetMissing,
                },
            ],
        };
        return (problems.Count > 0 ? null : document, rowOf, problems);
    }

    static List<LeadDocument> Leads(string? cell) =>
        (cell ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(part =>
        {
            var open = part.IndexOf('(');
            return open > 0 && part.EndsWith(')')
                ? new LeadDocument(part[..open].Trim(), part[(open + 1)..^1].Trim())
                : new LeadDocument(part, null);
        }).ToList();

    static string? Text(object? cell) => cell switch
    {
        null => null,
        double d => d.ToString(CultureInfo.InvariantCulture),
        _ => string.IsNullOrWhiteSpace(cell.ToString()) ? null : cell.ToString()!.Trim(),
    };

    /// <summary>The gap analysis as a workbook: leaves, leads, fields and the headline.</summary>
    public static void WriteGaps(GapReport g, Stream output)
    {
        var sheets = new Dictionary<string, object>
        {
            ["Tổng quan"] = new List<Dictionary<string, object?>>
            {
                new() { ["Mục"] = "Bộ chỉ số", ["Giá trị"] = g.FrameworkName },
                new() { ["Mục"] = "Đơn vị", ["Giá trị"] = g.UnitName },
                new() { ["Mục"] = "Năm", ["Giá trị"] = g.Year },
                new() { ["Mục"] = "Điểm tối đa", ["Giá trị"] = g.Max },
                new() { ["Mục"] = "Kết quả", ["Giá trị"] = g.Result },
                new() { ["Mục"] = "Điểm bị mất", ["Giá trị"] = g.PointsLost },
                new() { ["Mục"] = $"Mục tiêu năm {g.Year + 1}", ["Giá trị"] = g.Target?.ToString() },
                new() { ["Mục"] = "Dự kiến nếu đạt mọi mục tiêu (tiêu chí có mục tiêu thấp hơn kết quả giữ kết quả)", ["Giá trị"] = g.ProjectedIfTargetsMet },
                new() { ["Mục"] = "Tổng các mục tiêu của kế hoạch", ["Giá trị"] = g.TargetsSum },
                new() { ["Mục"] = "Điểm bị mất cộng theo đơn vị chủ trì (tiêu chí nhiều đơn vị chủ trì tính cho mỗi đơn vị)", ["Giá trị"] = g.Counts.ByLead },
                new() { ["Mục"] = "Điểm bị mất cộng theo tiêu chí (mỗi tiêu chí một lần)", ["Giá trị"] = g.Counts.InCriteria },
                new() { ["Mục"] = $"Tính lặp ở {g.Counts.SharedCriteria} tiêu chí có nhiều đơn vị chủ trì", ["Giá trị"] = g.Counts.CountedAgain },
                new() { ["Mục"] = "Lĩnh vực có kết quả công bố khác tổng tiêu chí thành phần", ["Giá trị"] = string.Join(", ", g.Counts.FieldsNotAdding) },
            },
            ["Theo tiêu chí"] = g.Criteria.Select(c => new Dictionary<string, object?>
            {
                ["STT"] = c.Code, ["Tiêu chí"] = c.Name, ["Điểm tối đa"] = c.Max, [$"Kết quả năm {g.Year}"] = c.Result,
                ["Điểm bị mất"] = c.PointsLost, [$"Kết quả năm {g.Year - 1}"] = c.Previous, ["Thay đổi"] = c.Change,
                [$"Mục tiêu năm {g.Year + 1}"] = c.Target, ["Khoảng cách tới mục tiêu"] = c.DistanceToTarget,
                ["Mục tiêu thấp hơn kết quả"] = c.TargetBelowResult ? "Có" : "", ["Đơn vị chủ trì"] = string.Join("; ", c.Lead),
                ["Yếu"] = c.Weak ? "Có" : "",
            }).ToList(),
            ["Theo đơn vị chủ trì"] = g.ByLead.Select(l => new Dictionary<string, object?>
            {
                ["Đơn vị chủ trì"] = l.Lead, ["Điểm bị mất"] = l.PointsLost, ["Số tiêu chí bị mất điểm"] = l.WeakCriteria,
                ["Các tiêu chí"] = string.Join(", ", l.Codes),
            }).ToList(),
            ["Theo lĩnh vực"] = g.ByField.Select(f => new Dictionary<string, object?>
            {
                ["STT"] = f.Code, ["Lĩnh vực"] = f.Name, ["Điểm tối đa"] = f.Max, ["Kết quả"] = f.Result, ["Điểm bị mất"] = f.PointsLost,
            }).ToList(),
        };
        output.WriteXlsx(sheets);
    }
}
