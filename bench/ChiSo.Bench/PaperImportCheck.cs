using ChiSo.Features.Accounts;
using System.Diagnostics;
using System.Text;
using ChiSo.Features.Surveys;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Bench;

/// <summary>`-- --import-check [rows]`: a paper batch (CSV, 30 five-level answers, 200 units, two groups) imported through
/// <see cref="PaperImport.ImportAsync"/> — read, checked row by row, packed, duplicates flagged, stored in one transaction —
/// against a raw prepared INSERT of the very rows the import stored, in one transaction, into a second file made the same
/// way. Each side runs five times on fresh files; the best of the last three of each gives the ratio (issue 5: at least 50 %).</summary>
public static class PaperImportCheck
{
    public static async Task RunAsync(int rows)
    {
        var csv = Csv(rows, questions: 30, units: 200);
        Console.WriteLine($"// CSV of {rows:N0} rows × 30 answers: {csv.Length / 1024.0 / 1024.0:0.0} MB");
        double bestImport = double.MaxValue, bestRaw = double.MaxValue;
        // Runs 1–2 warm the JIT (tiered compilation gets to the optimised code over the first runs); the best of 3–5 counts.
        for (var run = 0; run < 5; run++)
        {
            var (importFile, rawFile) = (Temp(), Temp());
            try
            {
                var round = SurveyData.Generate(importFile, responses: 0, questions: 30, units: 200).RoundId;
                SurveyData.Generate(rawFile, responses: 0, questions: 30, units: 200);
                PaperImportReport report;
                var watch = Stopwatch.StartNew();
                await using (var db = SurveyData.Open(importFile))
                    report = await PaperImport.ImportAsync(db, round, "phieu-giay.csv", new MemoryStream(csv), Actor.Cli(), TimeProvider.System);
                var import = watch.Elapsed.TotalSeconds;
                if (!report.Succeeded) throw new InvalidOperationException(string.Join("; ", report.Problems.Take(5)));

                List<SurveyResponse> stored;
                await using (var db = SurveyData.Open(importFile))
                    stored = await db.SurveyResponses.AsNoTracking().OrderBy(r => r.Id).ToListAsync();
                await using (var db = SurveyData.Open(rawFile))
                {
                    // The batch row the stored answers point to (same Id: the first of each file), outside the timing.
                    db.PaperBatches.Add(await BatchOf(importFile));
                    await db.SaveChangesAsync();
                }
                watch.Restart();
                await RawInsertAsync(rawFile, stored);
                var raw = watch.Elapsed.TotalSeconds;
                if (run >= 2) (bestImport, bestRaw) = (Math.Min(bestImport, import), Math.Min(bestRaw, raw));
                Console.WriteLine($"run {run + 1}: import {report.Rows:N0} rows in {import:0.00} s ({report.Rows / import:N0}/s, {report.Flagged} flagged); " +
                    $"raw insert {stored.Count:N0} in {raw:0.00} s ({stored.Count / raw:N0}/s); ratio {raw / import:P0}");
            }
            finally
            {
                SurveyData.Delete(importFile);
                SurveyData.Delete(rawFile);
            }
        }
        Console.WriteLine($"best: import {rows / bestImport:N0}/s, raw insert {rows / bestRaw:N0}/s, import at {bestRaw / bestImport:P0} of the raw insert");
    }

    static async Task<PaperBatch> BatchOf(string file)
    {
        await using var db = SurveyData.Open(file);
        return await db.PaperBatches.AsNoTracking().SingleAsync();
    }

    static string Temp() => Path.Combine(Path.GetTempPath(), $"chiso-import-check-{Guid.NewGuid():N}.db");

    /// <summary>The same columns the intake writes, one prepared INSERT per row, one transaction, the connection as the app
    /// opens it.</summary>
    static async Task RawInsertAsync(string file, List<SurveyResponse> rows)
    {
        await using var db = SurveyData.Open(file);
        await db.Database.OpenConnectionAsync();
        var conn = (SqliteConnection)db.Database.GetDbConnection();
        await using var tx = conn.BeginTransaction();
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO SurveyResponses (RoundId, UnitId, "Group", Channel, SubmittedOn, Answers, AnswersHash, Seconds, Review, Flags, BatchId)
            VALUES ($r, $u, $g, $c, $d, $a, $x, $s, $v, $f, $b)
            """;
        var p = new[] { "$r", "$u", "$g", "$c", "$d", "$a", "$x", "$s", "$v", "$f", "$b" }.Select(n => cmd.Parameters.AddWithValue(n, DBNull.Value)).ToArray();
        cmd.Prepare();
        foreach (var r in rows)
        {
            p[0].Value = r.RoundId; p[1].Value = r.UnitId; p[2].Value = r.Group; p[3].Value = r.Channel.ToString();
            p[4].Value = r.SubmittedOn; p[5].Value = r.Answers; p[6].Value = r.AnswersHash ?? (object)DBNull.Value;
            p[7].Value = r.Seconds ?? (object)DBNull.Value; p[8].Value = r.Review.ToString(); p[9].Value = r.Flags ?? (object)DBNull.Value;
            p[10].Value = r.BatchId ?? (object)DBNull.Value;
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    static byte[] Csv(int rows, int questions, int units)
    {
        var random = new Random(7);
        var sb = new StringBuilder();
        sb.Append("Đơn vị,Nhóm");
        for (var k = 1; k <= questions; k++) sb.Append(",Q").Append(k);
        sb.Append('\n');
        for (var i = 0; i < rows; i++)
        {
            sb.Append("BENCH").Append((random.Next(units) + 1).ToString("000")).Append(',').Append(random.Next(3) == 0 ? "organisations" : "citizens");
            for (var k = 0; k < questions; k++) sb.Append(',').Append((char)('0' + random.Next(10) switch { 0 => 2, 1 or 2 => 3, 3 or 4 or 5 or 6 => 4, _ => 5 }));
            sb.Append('\n');
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
