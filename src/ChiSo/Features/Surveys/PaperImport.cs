using System.Globalization;
using ChiSo.Features.Files;
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

/// <summary>What a paper import did, or why it stored nothing. <see cref="Problems"/> and <see cref="Differences"/> hold those of
/// the first 1,000 rows that have any; <see cref="MoreRows"/> counts the other rows that have some.</summary>
public sealed record PaperImportReport(bool Succeeded, int Rows, int? BatchId, int Flagged, List<PaperProblem> Problems, List<PaperDifference> Differences)
{
    public int MoreRows { get; init; }
    /// <summary>"… và 12.345 dòng lỗi khác" when the report was cut.</summary>
    public string? More => MoreRows > 0 ? ProblemRows.More(MoreRows) : null;

    /// <summary>The whole report as CSV (row, column, problem), closed by the count of the rows not listed.</summary>
    public Csv ToCsv()
    {
        var csv = new Csv("Dòng", "Cột", "Lỗi");
        foreach (var d in Differences) csv.Row(Row(d.Row), d.Column, $"lần nhập 1 “{d.First}”, lần nhập 2 “{d.Second}”");
        foreach (var p in Problems) csv.Row(Row(p.Row), p.Column, p.Message);
        if (More is { } more) csv.Row("", "", more);
        return csv;
    }

    static string Row(int row) => row > 0 ? row.ToString(CultureInfo.InvariantCulture) : "";
}

/// <summary>Two entries of the same paper forms compared: the cells of the first 1,000 rows that differ, and how many more
/// rows differ.</summary>
public sealed record PaperReconciliation(List<PaperDifference> Differences, int MoreRows)
{
    public string? More => MoreRows > 0 ? ProblemRows.More(MoreRows) : null;
}

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

    /// <summary>Rows, file size and inflated size a paper batch may have (README "Limits of imports").</summary>
    public static readonly ImportLimits Limits = ImportLimits.PaperForms;

    /// <summary>The named columns of a file (blank headers are skipped) and where each is in the file's rows. Headers are
    /// found in any case; the first of two alike wins.</summary>
    sealed class Layout
    {
        readonly Dictionary<string, int> index;
        readonly int[] source;

        public Layout(Table table, Func<string, string>? rename = null)
        {
            var named = Enumerable.Range(0, table.Columns.Count).Where(c => table.Columns[c].Length > 0).ToArray();
            source = named;
            Columns = named.Select(c => Canonical(table.Columns[c])).Select(c => rename?.Invoke(c) ?? c).ToList();
            index = Columns.Select((c, i) => (c, i)).DistinctBy(x => x.c, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(x => x.c, x => x.i, StringComparer.OrdinalIgnoreCase);
        }

        public List<string> Columns { get; }
        public bool Has(string column) => index.ContainsKey(column);
        public string Cell(string[] cells, string column) => index.TryGetValue(column, out var i) ? cells[i] : "";

        /// <summary>A row's cells under the named columns, as text, trimmed.</summary>
        public string[] Cells(SheetRow row)
        {
            var cells = new string[source.Length];
            for (var c = 0; c < source.Length; c++) cells[c] = (row[source[c]] is string s ? s : ImportedFiles.Text(row[source[c]]))?.Trim() ?? "";
            return cells;
        }
    }

    /// <summary>One row's answers as the rules read them: the question columns (not unit and group) by question code.</summary>
    sealed class RowAnswers(Layout sheet, string[] cells, IReadOnlyList<int> questionColumns) : IReadOnlyDictionary<string, string?>
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

    /// <summary>Imports a batch, all or nothing. The file is read row by row (never whole): a chunk is checked on every core
    /// left while the previous one is written. A file past <see cref="Limits"/> or one that cannot be read throws
    /// <see cref="FileRefused"/>; nothing of it is stored.</summary>
    public static async Task<PaperImportReport> ImportAsync(ChiSoDb db, int roundId, string fileName, Stream file, Actor actor,
        TimeProvider clock, Stream? secondEntry = null, IProgress<PaperImportProgress>? progress = null, CancellationToken ct = default)
    {
        Rounds.RequireManage(actor);
        var user = actor.Name;
        var form = await CollectionForms.LoadAsync(db, roundId, ct);
        if (form is null) return Refused(new PaperProblem(0, "round", "Không có đợt khảo sát này."));
        // Paper forms are often typed in after the round closes; only a draft round refuses them.
        if (form.Status == RoundStatus.Draft) return Refused(new PaperProblem(0, "round", "Đợt khảo sát còn là dự thảo, chưa nhận phiếu."));
        var name = ImportedFiles.FileName(fileName);
        var first = await ImportedFiles.SeekableAsync(file, Limits, name, ct);
        if (secondEntry is not null)
        {
            var reconciled = Reconcile(first, await ImportedFiles.SeekableAsync(secondEntry, Limits, ct: ct));
            if (reconciled.Differences.Count > 0) return new PaperImportReport(false, 0, null, 0, [], reconciled.Differences) { MoreRows = reconciled.MoreRows };
        }

        // Headers in the questionnaire's own spelling of the codes, so the rules find "q1" as "Q1".
        var codes = form.Questions.Select(q => q.Code).Distinct(StringComparer.OrdinalIgnoreCase).ToDictionary(c => c, StringComparer.OrdinalIgnoreCase);
        int total;
        using (var table = ImportedFiles.Read(first, Limits))
        {
            var headers = HeaderProblems(form, new Layout(table).Columns);
            if (headers.Count > 0) return new PaperImportReport(false, 0, null, 0, headers, []);
            // The number of rows for the progress bar: a workbook says it in its dimension; CSV is counted, which is quick.
            total = table.DeclaredRows ?? table.Rows.Count();
        }
        progress?.Report(new(0, total));

        using var read = ImportedFiles.Read(first, Limits);
        var layout = new Layout(read, c => codes.GetValueOrDefault(c, c));
        var questionColumns = Enumerable.Range(0, layout.Columns.Count).Where(i => layout.Columns[i] is not UnitColumn and not GroupColumn).ToList();
        var today = Rounds.Today(clock);
        using var rows = read.Rows.GetEnumerator();
        var problems = new ProblemRows<PaperProblem>();

        // Checking and storing overlap: while one chunk of rows is written, the next is read and checked on another thread
        // (on every core left). All of it is one transaction: the first problem stops the writing, the check goes on so the
        // report names the bad rows, and the transaction is rolled back — nothing of a bad file is kept.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var batch = new PaperBatch { RoundId = roundId, FileName = name, ImportedAt = clock.GetUtcNow().UtcDateTime, ImportedBy = user };
        db.PaperBatches.Add(batch);
        await db.SaveChangesAsync(ct);
        // The intake's prepared statements, in this transaction: the same duplicate rule (an identical answer of the same unit,
        // group and day, stored before or earlier in the file) and a prepared insert instead of EF's change tracking, which
        // cost more than the insert itself (bench/README.md, paper import).
        await using var sql = await IntakeCommands.PrepareAsync(db.Database.GetDbConnection());
        const int Chunk = 2048;
        Task<(int Row, SurveyResponse? Response, IEnumerable<PaperProblem>? Problems)[]> CheckAsync() => Task.Run(() =>
        {
            var chunk = new List<(int Row, string[] Cells)>(Chunk);
            while (chunk.Count < Chunk && rows.MoveNext()) chunk.Add((rows.Current.Number, layout.Cells(rows.Current)));
            var checkedRows = new (int, SurveyResponse?, IEnumerable<PaperProblem>?)[chunk.Count];
            Parallel.For(0, chunk.Count, i =>
            {
                var (response, rowProblems) = CheckRow(form, today, layout, chunk[i].Row, chunk[i].Cells, questionColumns);
                checkedRows[i] = (chunk[i].Row, response, rowProblems);
            });
            return checkedRows;
        }, ct);
        var flagged = 0;
        var done = 0;
        var next = CheckAsync();
        try
        {
            while (await next is { Length: > 0 } chunk)
            {
                next = CheckAsync();
                foreach (var (row, _, rowProblems) in chunk)
                    if (rowProblems is not null) foreach (var p in rowProblems) problems.Add(row, p);
                if (problems.Count == 0)
                {
                    var pending = chunk.Select(r => new PendingResponse(r.Response!, null, null)).ToList();
                    foreach (var p in pending) p.Response.BatchId = batch.Id;
                    await sql.StoreAsync(pending, tx.GetDbTransaction());
                    flagged += pending.Count(p => p.Response.Flags is not null);
                }
                done += chunk.Length;
                progress?.Report(new(done, Math.Max(done, total)));
            }
        }
        finally
        {
            // A failure while a chunk is written leaves the next one being read: it must be done before the file is closed.
            await Task.WhenAny(next);
        }
        if (done == 0) problems.Add(null, new PaperProblem(0, "file", "Tệp không có dòng phiếu nào."));
        if (problems.Count > 0)
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return new PaperImportReport(false, done, null, 0, problems.ToList(), []) { MoreRows = problems.MoreRows };
        }
        batch.Rows = done;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return new PaperImportReport(true, done, batch.Id, flagged, [], []);
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

    static (SurveyResponse?, IEnumerable<PaperProblem>?) CheckRow(CollectionForm form, DateOnly today, Layout sheet, int row, string[] cells,
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

    /// <summary>Double entry: the same forms typed twice are compared row by row and cell by cell (after trimming), both
    /// files read side by side, a row at a time.</summary>
    public static PaperReconciliation Reconcile(Stream first, Stream second)
    {
        using var a = ImportedFiles.Read(first, Limits);
        using var b = ImportedFiles.Read(second, Limits);
        var (la, lb) = (new Layout(a), new Layout(b));
        var columns = la.Columns.Union(lb.Columns, StringComparer.OrdinalIgnoreCase).ToList();
        var diffs = new ProblemRows<PaperDifference>();
        using var x = a.Rows.GetEnumerator();
        using var y = b.Rows.GetEnumerator();
        bool hasX = x.MoveNext(), hasY = y.MoveNext();
        while (hasX || hasY)
        {
            if (!hasY || (hasX && x.Current.Number < y.Current.Number))
            {
                diffs.Add(x.Current.Number, new PaperDifference(x.Current.Number, "*", "(có dòng)", "(không có dòng)"));
                hasX = x.MoveNext();
                continue;
            }
            if (!hasX || y.Current.Number < x.Current.Number)
            {
                diffs.Add(y.Current.Number, new PaperDifference(y.Current.Number, "*", "(không có dòng)", "(có dòng)"));
                hasY = y.MoveNext();
                continue;
            }
            var (u, v) = (la.Cells(x.Current), lb.Cells(y.Current));
            foreach (var c in columns)
                if (!string.Equals(la.Cell(u, c), lb.Cell(v, c), StringComparison.OrdinalIgnoreCase))
                    diffs.Add(x.Current.Number, new PaperDifference(x.Current.Number, c, la.Cell(u, c), lb.Cell(v, c)));
            (hasX, hasY) = (x.MoveNext(), y.MoveNext());
        }
        return new PaperReconciliation(diffs.ToList(), diffs.MoreRows);
    }

    static List<PaperProblem> HeaderProblems(CollectionForm form, List<string> columns)
    {
        var problems = new List<PaperProblem>();
        foreach (var required in new[] { UnitColumn, GroupColumn })
            if (!columns.Contains(required, StringComparer.OrdinalIgnoreCase))
                problems.Add(new PaperProblem(1, required, $"Thiếu cột “{required}”."));
        var codes = form.Questions.Select(q => q.Code).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var c in columns.Where(c => c != UnitColumn && c != GroupColumn && !codes.Contains(c)))
            problems.Add(new PaperProblem(1, c, $"Phiếu không có câu “{c}”."));
        return problems;
    }

    static PaperImportReport Refused(PaperProblem p) => new(false, 0, null, 0, [p], []);

    // Headers typed without diacritics still name the two fixed columns.
    static string Canonical(string header) => header.ToLowerInvariant() switch
    {
        "đơn vị" or "don vi" or "unit" => UnitColumn,
        "nhóm" or "nhom" or "group" => GroupColumn,
        _ => header,
    };
}
