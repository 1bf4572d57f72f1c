using System.Globalization;
using System.Text;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
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

/// <summary>How far an import is: rows checked (and, while no row failed, stored) of the file's rows.</summary>
public readonly record struct PaperImportProgress(int Checked, int Rows);

/// <summary>A withdrawn batch: how many of its answers counted until now and are excluded.</summary>
public sealed record PaperWithdrawal(int BatchId, int Excluded);

/// <summary>One imported file of paper forms, and how many of its answers were flagged or excluded since.</summary>
public sealed record PaperBatchLine(int Id, string FileName, DateTime ImportedAt, string ImportedBy, int Rows, int Flagged, int Excluded);

/// <summary>Paper forms typed into CSV or Excel: columns "Đơn vị" (unit code), "Nhóm" (group code), then one column per
/// question code. Every row is checked by the same rules as the online form; one bad row refuses the whole file.</summary>
public static class PaperImport
{
    public const string UnitColumn = "Đơn vị";
    public const string GroupColumn = "Nhóm";

    /// <summary>A sheet: its named columns, and per row the spreadsheet row number and the cells in column order. Headers
    /// are found in any case; the first of two alike wins.</summary>
    public sealed record Sheet(List<string> Columns, List<(int Row, string[] Cells)> Rows)
    {
        readonly Dictionary<string, int> index = Columns.Select((c, i) => (c, i)).DistinctBy(x => x.c, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(x => x.c, x => x.i, StringComparer.OrdinalIgnoreCase);

        public bool Has(string column) => index.ContainsKey(column);
        public string Cell(string[] cells, string column) => index.TryGetValue(column, out var i) ? cells[i] : "";
    }

    /// <summary>One row's answers as the rules read them: the question columns (not unit and group) by question code.</summary>
    sealed class RowAnswers(Sheet sheet, string[] cells, IReadOnlyList<int> questionColumns) : IReadOnlyDictionary<string, string?>
    {
        public string? this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException(key);
        public IEnumerable<string> Keys => questionColumns.Select(i => sheet.Columns[i]);
        public IEnumerable<string?> Values => questionColumns.Select(i => (string?)cells[i]);
        public int Count => questionColumns.Count;
        public bool ContainsKey(string key) => TryGetValue(key, out _);

        public bool TryGetValue(string key, out string? value)
        {
            value = sheet.Cell(cells, key);
            return sheet.Has(key);
        }

        public IEnumerator<KeyValuePair<string, string?>> GetEnumerator() =>
            questionColumns.Select(i => new KeyValuePair<string, string?>(sheet.Columns[i], cells[i])).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    public static async Task<PaperImportReport> ImportAsync(ChiSoDb db, int roundId, string fileName, Stream file, Actor actor,
        TimeProvider clock, Stream? secondEntry = null, IProgress<PaperImportProgress>? progress = null, CancellationToken ct = default)
    {
        Rounds.RequireManage(actor);
        var user = actor.Name;
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
        // Headers in the questionnaire's own spelling of the codes, so the rules find "q1" as "Q1".
        var codes = form.Questions.Select(q => q.Code).Distinct(StringComparer.OrdinalIgnoreCase).ToDictionary(c => c, StringComparer.OrdinalIgnoreCase);
        sheet = new Sheet(sheet.Columns.Select(c => codes.GetValueOrDefault(c, c)).ToList(), sheet.Rows);
        var questionColumns = Enumerable.Range(0, sheet.Columns.Count).Where(i => sheet.Columns[i] is not UnitColumn and not GroupColumn).ToList();
        if (sheet.Rows.Count == 0) problems.Add(new PaperProblem(0, "file", "Tệp không có dòng phiếu nào."));
        if (problems.Count > 0) return new PaperImportReport(false, sheet.Rows.Count, null, 0, problems, []);
        progress?.Report(new(0, sheet.Rows.Count));

        // Checking and storing overlap: while one chunk of rows is written, the next is checked on another thread (on every
        // core left). All of it is one transaction: the first problem stops the writing, the check goes on so the report
        // names every bad row, and the transaction is rolled back — nothing of a bad file is kept.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var batch = new PaperBatch { RoundId = roundId, FileName = Path.GetFileName(fileName), ImportedAt = clock.GetUtcNow().UtcDateTime, ImportedBy = user, Rows = sheet.Rows.Count };
        db.PaperBatches.Add(batch);
        await db.SaveChangesAsync(ct);
        // The intake's prepared statements, in this transaction: the same duplicate rule (an identical answer of the same unit,
        // group and day, stored before or earlier in the file) and a prepared insert instead of EF's change tracking, which
        // cost more than the insert itself (bench/README.md, paper import).
        await using var sql = await IntakeCommands.PrepareAsync(db.Database.GetDbConnection());
        const int Chunk = 2048;
        Task<(SurveyResponse? Response, IEnumerable<PaperProblem>? Problems)[]> CheckAsync(int from) => Task.Run(() =>
        {
            var rows = new (SurveyResponse?, IEnumerable<PaperProblem>?)[Math.Min(Chunk, sheet.Rows.Count - from)];
            Parallel.For(0, rows.Length, i => rows[i] = CheckRow(form, today, sheet, sheet.Rows[from + i].Row, sheet.Rows[from + i].Cells, questionColumns));
            return rows;
        }, ct);
        var next = CheckAsync(0);
        var flagged = 0;
        for (var from = 0; from < sheet.Rows.Count; from += Chunk)
        {
            var rows = await next;
            if (from + Chunk < sheet.Rows.Count) next = CheckAsync(from + Chunk);
            foreach (var (_, rowProblems) in rows) if (rowProblems is not null) problems.AddRange(rowProblems);
            if (problems.Count == 0)
            {
                var pending = rows.Select(r => new PendingResponse(r.Response!, null, null)).ToList();
                foreach (var p in pending) p.Response.BatchId = batch.Id;
                await sql.StoreAsync(pending, tx.GetDbTransaction());
                flagged += pending.Count(p => p.Response.Flags is not null);
            }
            progress?.Report(new(from + rows.Length, sheet.Rows.Count));
        }
        if (problems.Count > 0)
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return new PaperImportReport(false, sheet.Rows.Count, null, 0, problems, []);
        }
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return new PaperImportReport(true, sheet.Rows.Count, batch.Id, flagged, [], []);
    }

    /// <summary>The sheet a typist fills in: "Phiếu" with the columns the import reads (Đơn vị, Nhóm, then every question
    /// code) and no rows; "Hướng dẫn" with what each column takes; "Đơn vị và nhóm" with the codes the round surveys.</summary>
    public static void WriteTemplate(CollectionForm form, Stream output)
    {
        var entry = new System.Data.DataTable("Phiếu");
        foreach (var column in new[] { UnitColumn, GroupColumn }.Concat(form.Questions.Select(q => q.Code).Distinct(StringComparer.OrdinalIgnoreCase)))
            entry.Columns.Add(column, typeof(string));
        var guide = form.Questions.Select(q => new Dictionary<string, object?>
        {
            ["Cột (mã câu)"] = q.Code, ["Câu hỏi"] = q.Text, ["Dạng"] = QuestionnaireImporter.TypeLabel(q.Type),
            ["Nhập"] = Accepted(q), ["Bắt buộc"] = q.Required ? "Có" : "",
            ["Nhóm trả lời"] = q.Groups.Count == 0 ? "mọi nhóm" : string.Join("; ", q.Groups),
            ["Bỏ qua khi"] = q.SkipCode is null ? "" : $"{q.SkipCode} = {q.SkipValue}",
        }).ToList();
        var byId = form.Units.ToDictionary(u => u.Value.Id);
        var surveyed = form.Quotas.Count > 0
            ? form.Quotas.Select(k => (Unit: byId[k.UnitId], k.Group))
            : form.Units.SelectMany(u => form.Groups.Keys.Select(g => (Unit: u, Group: g)));
        var pairs = surveyed.OrderBy(x => x.Unit.Key, StringComparer.Ordinal).ThenBy(x => x.Group, StringComparer.Ordinal).Select(x => new Dictionary<string, object?>
        {
            [UnitColumn] = x.Unit.Key, ["Tên đơn vị"] = x.Unit.Value.Name, [GroupColumn] = x.Group,
            ["Tên nhóm"] = form.Groups.TryGetValue(x.Group, out var g) ? g.Name : x.Group,
        }).ToList();
        output.WriteXlsx(new Dictionary<string, object> { ["Phiếu"] = entry, ["Hướng dẫn"] = guide, ["Đơn vị và nhóm"] = pairs });
    }

    static string Accepted(FormQuestion q) => q.Type switch
    {
        QuestionType.Scale5 or QuestionType.Likert5 => "1 – 5 (" + string.Join("; ", q.Choices.Select(c => $"{c.Value} = {c.Label}")) + ")",
        QuestionType.YesNo or QuestionType.Single => "một trong: " + string.Join("; ", q.Choices.Select(c => c.Value)),
        QuestionType.Multiple => $"một hoặc nhiều, cách nhau bởi “{CollectionRules.MultipleSeparator}”: " + string.Join("; ", q.Choices.Select(c => c.Value)),
        QuestionType.Number => "một số",
        _ => "chữ tự do",
    } + (q.Required ? "" : "; để trống nếu không trả lời");

    /// <summary>The round's imported files, newest first, with what review made of their answers.</summary>
    public static async Task<List<PaperBatchLine>> BatchesAsync(ChiSoDb db, int roundId, Actor actor, CancellationToken ct = default)
    {
        Rounds.RequireRead(actor);
        var batches = await db.PaperBatches.AsNoTracking().Where(b => b.RoundId == roundId).OrderByDescending(b => b.Id).ToListAsync(ct);
        var reviews = await db.SurveyResponses.AsNoTracking().Where(r => r.RoundId == roundId && r.BatchId != null && r.Review != ResponseReview.Accepted)
            .GroupBy(r => new { r.BatchId, r.Review }).Select(g => new { g.Key.BatchId, g.Key.Review, Count = g.Count() }).ToListAsync(ct);
        int Count(int batch, ResponseReview review) => reviews.Where(r => r.BatchId == batch && r.Review == review).Sum(r => r.Count);
        return batches.Select(b => new PaperBatchLine(b.Id, b.FileName, b.ImportedAt, b.ImportedBy, b.Rows,
            Count(b.Id, ResponseReview.Flagged), Count(b.Id, ResponseReview.Excluded))).ToList();
    }

    /// <summary>A batch imported by mistake (the wrong round, the wrong file): every answer of it is excluded from the
    /// scores, kept (nothing a user typed is lost) and the withdrawal audited with its reason, which is required.</summary>
    public static async Task<RoundChange<PaperWithdrawal>> WithdrawAsync(ChiSoDb db, int roundId, int batchId, string? reason, Actor actor,
        TimeProvider clock, CancellationToken ct = default)
    {
        Rounds.RequireManage(actor);
        if (string.IsNullOrWhiteSpace(reason)) return RoundChange<PaperWithdrawal>.Invalid("reason", "Cần ghi lý do rút lô phiếu.");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await db.PaperBatches.AnyAsync(b => b.Id == batchId && b.RoundId == roundId, ct)) return RoundChange<PaperWithdrawal>.Missing();
        var counted = await db.SurveyResponses.Where(r => r.BatchId == batchId && r.RoundId == roundId && r.Review != ResponseReview.Excluded)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Review, ResponseReview.Excluded), ct);
        await CollectionProgress.CountedAgainAsync(db, roundId, actor, clock, $"paper-batch:{batchId}", $"{counted} phiếu được tính",
            "rút lô: 0 phiếu được tính", reason.Trim(), ct);
        await tx.CommitAsync(ct);
        return RoundChange<PaperWithdrawal>.Done(new PaperWithdrawal(batchId, counted));
    }

    static (SurveyResponse?, IEnumerable<PaperProblem>?) CheckRow(CollectionForm form, DateOnly today, Sheet sheet, int row, string[] cells,
        IReadOnlyList<int> questionColumns)
    {
        var (unitId, group, refusal) = CollectionService.Resolve(form, sheet.Cell(cells, UnitColumn), sheet.Cell(cells, GroupColumn));
        if (refusal is not null)
            return (null, refusal.Errors.Select(e => new PaperProblem(row, e.Key == "unit" ? UnitColumn : GroupColumn, e.Value)).ToList());
        var (answers, errors) = CollectionRules.Check(form, group, new RowAnswers(sheet, cells, questionColumns));
        if (errors.Count > 0) return (null, errors.Select(e => new PaperProblem(row, e.Key, e.Value)).ToList());
        var flags = CollectionRules.Flags(answers, null, null);
        return (new SurveyResponse
        {
            RoundId = form.RoundId, UnitId = unitId, Group = group, Channel = ResponseChannel.Paper, SubmittedOn = today,
            Answers = answers.Pack(out var hash), AnswersHash = hash,
            Review = flags.Count > 0 ? ResponseReview.Flagged : ResponseReview.Accepted, Flags = flags.Count > 0 ? string.Join(',', flags) : null,
        }, null);
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
                var u = first.Cell(x, c);
                var v = second.Cell(y, c);
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
        var headers = table[0].Select(h => Canonical(h.Trim())).ToList();
        var named = Enumerable.Range(0, headers.Count).Where(c => headers[c].Length > 0).ToArray();
        var rows = new List<(int, string[])>(table.Count);
        for (var i = 1; i < table.Count; i++)
        {
            var line = table[i];
            if (line.All(string.IsNullOrWhiteSpace)) continue;
            var cells = new string[named.Length];
            for (var c = 0; c < named.Length; c++) cells[c] = named[c] < line.Count ? line[named[c]].Trim() : "";
            rows.Add((i + 1, cells));
        }
        return new Sheet(named.Select(c => headers[c]).ToList(), rows);
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
        var lineEnd = text.IndexOf('\n');
        var firstLine = lineEnd < 0 ? text.AsSpan() : text.AsSpan(0, lineEnd);
        var sep = firstLine.Count(';') > firstLine.Count(',') ? ';' : ',';
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        // Most cells repeat (levels, unit and group codes): one string each instead of one per cell.
        var pool = new Dictionary<string, string>();
        var pooled = pool.GetAlternateLookup<ReadOnlySpan<char>>();
        var i = 0;
        while (i < text.Length)
        {
            string value;
            if (text[i] == '"')
            {
                // Quoted (RFC 4180): "" is a quote; separators and line breaks inside are text.
                cell.Clear();
                for (i++; i < text.Length; i++)
                {
                    if (text[i] != '"') cell.Append(text[i]);
                    else if (i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                    else { i++; break; }
                }
                var rest = i;
                while (i < text.Length && text[i] != sep && text[i] != '\n' && text[i] != '\r') i++;
                value = rest < i ? cell.Append(text, rest, i - rest).ToString() : cell.ToString();
            }
            else
            {
                // Unquoted, most cells: sliced out in one piece.
                var start = i;
                while (i < text.Length && text[i] != sep && text[i] != '\n' && text[i] != '\r') i++;
                var span = text.AsSpan(start, i - start);
                if (span.Length > 32 || !pooled.TryGetValue(span, out value!))
                {
                    value = span.ToString();
                    if (span.Length <= 32 && pool.Count < 100_000) pool[value] = value;
                }
            }
            row.Add(value);
            if (i < text.Length && text[i] == sep)
            {
                i++;
                if (i == text.Length) row.Add("");
                continue;
            }
            if (i < text.Length && text[i] == '\r') i++;
            if (i < text.Length && text[i] == '\n') i++;
            rows.Add(row);
            row = [];
        }
        if (row.Count > 0) rows.Add(row);
        return rows;
    }
}
