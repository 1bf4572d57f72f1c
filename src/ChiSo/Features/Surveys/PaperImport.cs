using System.Globalization;
using System.Text;
using ChiSo.Data;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace ChiSo.Features.Surveys;

/// <summary>A problem of one cell or row: <see cref="Row"/> is the row number as the spreadsheet shows it (the header is row 1).</summary>
public sealed record PaperProblem(int Row, string Column, string Message)
{
    public override string ToString() => Row > 0 ? $"Dòng {Row}, cột {Column}: {Message}" : $"{Column}: {Message}";
}

/// <summary>Where two entries of the same paper forms disagree.</summary>
public sealed record PaperDifference(int Row, string Column, string First, string Second)
{
    public override string ToString() => $"Dòng {Row}, cột {Column}: lần nhập 1 “{First}”, lần nhập 2 “{Second}”";
}

public sealed record PaperImportReport(bool Succeeded, int Rows, int? BatchId, int Flagged, List<PaperProblem> Problems, List<PaperDifference> Differences);

/// <summary>Paper forms typed into CSV or Excel: columns "Đơn vị" (unit code), "Nhóm" (group code), then one column per
/// question code. Every row is checked by the same rules as the online form; one bad row refuses the whole file.</summary>
public static class PaperImport
{
    public const string UnitColumn = "Đơn vị";
    public const string GroupColumn = "Nhóm";

    /// <summary>A sheet as rows of (column header → cell text), with the spreadsheet row number.</summary>
    public sealed record Sheet(List<string> Columns, List<(int Row, Dictionary<string, string> Cells)> Rows);

    public static async Task<PaperImportReport> ImportAsync(ChiSoDb db, int roundId, string fileName, Stream file, string user,
        TimeProvider clock, Stream? secondEntry = null, CancellationToken ct = default)
    {
        var form = await CollectionForms.LoadAsync(db, roundId, ct);
        if (form is null) return Refused(new PaperProblem(0, "round", "Không có đợt khảo sát này."));
        // Paper forms are often typed in after the round closes; only a draft round refuses them.
        if (form.Status == RoundStatus.Draft) return Refused(new PaperProblem(0, "round", "Đợt khảo sát còn là dự thảo, chưa nhận phiếu."));
        Sheet sheet;
        try { sheet = Read(file); }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException or InvalidOperationException)
        {
            return Refused(new PaperProblem(0, "file", $"Không đọc được tệp: {e.Message}"));
        }
        if (secondEntry is not null)
        {
            Sheet second;
            try { second = Read(secondEntry); }
            catch (Exception e) when (e is InvalidDataException or FormatException or IOException or InvalidOperationException)
            {
                return Refused(new PaperProblem(0, "file", $"Không đọc được tệp nhập lần 2: {e.Message}"));
            }
            var diffs = Reconcile(sheet, second);
            if (diffs.Count > 0) return new PaperImportReport(false, sheet.Rows.Count, null, 0, [], diffs);
        }

        var problems = HeaderProblems(form, sheet);
        var today = Rounds.Today(clock);
        var responses = new List<SurveyResponse>();
        foreach (var (row, cells) in sheet.Rows)
        {
            var (unitId, group, refusal) = CollectionService.Resolve(form, cells.GetValueOrDefault(UnitColumn, ""), cells.GetValueOrDefault(GroupColumn, ""));
            if (refusal is not null)
            {
                problems.AddRange(refusal.Errors.Select(e => new PaperProblem(row, e.Key == "unit" ? UnitColumn : GroupColumn, e.Value)));
                continue;
            }
            var (answers, errors) = CollectionRules.Check(form, group, cells.Where(c => c.Key != UnitColumn && c.Key != GroupColumn)
                .ToDictionary(c => c.Key, c => (string?)c.Value));
            if (errors.Count > 0)
            {
                problems.AddRange(errors.Select(e => new PaperProblem(row, e.Key, e.Value)));
                continue;
            }
            var flags = CollectionRules.Flags(answers, null, null);
            responses.Add(new SurveyResponse
            {
                RoundId = roundId, UnitId = unitId, Group = group, Channel = ResponseChannel.Paper, SubmittedOn = today,
                Answers = answers.Pack(out var hash), AnswersHash = hash, Review = ResponseReview.Accepted, Flags = flags.Count > 0 ? string.Join(',', flags) : null,
            });
        }
        if (sheet.Rows.Count == 0) problems.Add(new PaperProblem(0, "file", "Tệp không có dòng phiếu nào."));
        if (problems.Count > 0) return new PaperImportReport(false, sheet.Rows.Count, null, 0, problems, []);

        // Duplicates: against answers already stored today and within the file itself.
        var keys = responses.Select(r => (r.UnitId, r.Group)).Distinct().ToList();
        var seen = new HashSet<(int, string, string)>();
        foreach (var (unitId, group) in keys)
            foreach (var a in await db.SurveyResponses.Where(r => r.RoundId == roundId && r.UnitId == unitId && r.Group == group && r.SubmittedOn == today)
                         .Select(r => r.Answers).ToListAsync(ct))
                seen.Add((unitId, group, a));
        foreach (var r in responses)
            if (!seen.Add((r.UnitId, r.Group, r.Answers)))
                r.Flags = r.Flags is null ? CollectionRules.Duplicate : r.Flags + "," + CollectionRules.Duplicate;
        foreach (var r in responses.Where(r => r.Flags is not null)) r.Review = ResponseReview.Flagged;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var batch = new PaperBatch { RoundId = roundId, FileName = Path.GetFileName(fileName), ImportedAt = clock.GetUtcNow().UtcDateTime, ImportedBy = user, Rows = responses.Count };
        db.PaperBatches.Add(batch);
        await db.SaveChangesAsync(ct);
        foreach (var r in responses) r.BatchId = batch.Id;
        db.SurveyResponses.AddRange(responses);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return new PaperImportReport(true, responses.Count, batch.Id, responses.Count(r => r.Flags is not null), [], []);
    }

    /// <summary>Double entry: the same forms typed twice are compared row by row and cell by cell (after trimming).</summary>
    public static List<PaperDifference> Reconcile(Sheet first, Sheet second)
    {
        var diffs = new List<PaperDifference>();
        var columns = first.Columns.Union(second.Columns, StringComparer.OrdinalIgnoreCase).ToList();
        var a = first.Rows.ToDictionary(r => r.Row, r => r.Cells);
        var b = second.Rows.ToDictionary(r => r.Row, r => r.Cells);
        foreach (var row in a.Keys.Union(b.Keys).Order())
        {
            var x = a.GetValueOrDefault(row);
            var y = b.GetValueOrDefault(row);
            if (x is null || y is null)
            {
                diffs.Add(new PaperDifference(row, "*", x is null ? "(không có dòng)" : "(có dòng)", y is null ? "(không có dòng)" : "(có dòng)"));
                continue;
            }
            foreach (var c in columns)
            {
                var u = x.GetValueOrDefault(c, "");
                var v = y.GetValueOrDefault(c, "");
                if (!string.Equals(u, v, StringComparison.OrdinalIgnoreCase)) diffs.Add(new PaperDifference(row, c, u, v));
            }
        }
        return diffs;
    }

    public static List<PaperDifference> Reconcile(Stream first, Stream second) => Reconcile(Read(first), Read(second));

    static List<PaperProblem> HeaderProblems(CollectionForm form, Sheet sheet)
    {
        var problems = new List<PaperProblem>();
        foreach (var required in new[] { UnitColumn, GroupColumn })
            if (!sheet.Columns.Contains(required, StringComparer.OrdinalIgnoreCase))
                problems.Add(new PaperProblem(1, required, $"Thiếu cột “{required}”."));
        var codes = form.Questions.Select(q => q.Code).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var c in sheet.Columns.Where(c => c != UnitColumn && c != GroupColumn && !codes.Contains(c)))
            problems.Add(new PaperProblem(1, c, $"Phiếu không có câu “{c}”."));
        return problems;
    }

    static PaperImportReport Refused(PaperProblem p) => new(false, 0, null, 0, [p], []);

    /// <summary>Reads .xlsx (by its zip signature) or CSV (comma or semicolon, UTF-8, quotes as in RFC 4180). Empty rows are skipped.</summary>
    public static Sheet Read(Stream stream)
    {
        var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        buffer.Position = 0;
        var bytes = buffer.GetBuffer();
        List<List<string>> table = buffer.Length >= 2 && bytes[0] == (byte)'P' && bytes[1] == (byte)'K'
            ? MiniExcel.Query(buffer, excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>()
                .Select(r => r.Values.Select(Cell).ToList()).ToList()
            : Csv(Encoding.UTF8.GetString(bytes, 0, (int)buffer.Length).TrimStart('\uFEFF'));
        if (table.Count == 0) return new Sheet([], []);
        var columns = table[0].Select(h => Canonical(h.Trim())).ToList();
        while (columns.Count > 0 && columns[^1].Length == 0) columns.RemoveAt(columns.Count - 1);
        var rows = new List<(int, Dictionary<string, string>)>();
        for (var i = 1; i < table.Count; i++)
        {
            if (table[i].All(string.IsNullOrWhiteSpace)) continue;
            var cells = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (var c = 0; c < columns.Count; c++)
                if (columns[c].Length > 0) cells[columns[c]] = c < table[i].Count ? table[i][c].Trim() : "";
            rows.Add((i + 1, cells));
        }
        return new Sheet(columns.Where(c => c.Length > 0).ToList(), rows);
    }

    // Headers typed without diacritics still name the two fixed columns.
    static string Canonical(string header) => header.ToLowerInvariant() switch
    {
        "đơn vị" or "don vi" or "unit" => UnitColumn,
        "nhóm" or "nhom" or "group" => GroupColumn,
        _ => header,
    };

    static string Cell(object? v) => v switch
    {
        null => "",
        double d => d.ToString(CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };

    static List<List<string>> Csv(string text)
    {
        var firstLine = text.Split('\n', 2)[0];
        var sep = firstLine.Count(ch => ch == ';') > firstLine.Count(ch => ch == ',') ? ';' : ',';
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else cell.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == sep) { row.Add(cell.ToString()); cell.Clear(); }
            else if (ch == '\n' || ch == '\r')
            {
                if (ch == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                row.Add(cell.ToString()); cell.Clear();
                rows.Add(row); row = [];
            }
            else cell.Append(ch);
        }
        if (cell.Length > 0 || row.Count > 0) { row.Add(cell.ToString()); rows.Add(row); }
        return rows;
    }
}
