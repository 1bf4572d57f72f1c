using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Features.Audit;
using ChiSo.Tests.Assessments;
using ChiSo.Tests.Infrastructure;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace ChiSo.Tests.Audit;

/// <summary>The audit log's hash chain (docs/decisions/0013): rows written by the services chain and verify; edits,
/// deletions and insertions made through a separate connection to the database, past the app, are each reported where
/// they happened; concurrent writers never fork the chain; the head is printed on the public ranking and the report.</summary>
public abstract class AuditChainTests(Provider provider)
{
    static FakeTimeProvider Clock() => new(AssessmentSetup.Start);

    /// <summary>SQL run on its own connection, as someone with the database file (or a PostgreSQL login) would.</summary>
    static async Task<int> RawAsync(TestDatabase database, string sql)
    {
        await using DbConnection c = database.Provider == Provider.Sqlite
            ? new SqliteConnection(database.ConnectionString) : new NpgsqlConnection(database.ConnectionString);
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteNonQueryAsync();
    }

    static async Task<ChainReport> VerifyAsync(TestDatabase database)
    {
        await using var db = database.NewContext();
        return await AuditChain.VerifyAsync(db, Actors.Admin());
    }

    static AuditEntry Entry(string field, string? reason = null) => new()
    {
        At = DateTime.UtcNow, User = "kiem.thu", Subject = "test:audit-chain", Field = field, NewValue = field, Reason = reason,
    };

    [Fact]
    public async Task Rows_written_by_the_services_chain_from_one_without_gaps_and_verify()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        int cycleId;
        await using (var db = database.NewContext()) cycleId = await AssessmentSetup.PublishedCycleAsync(db, Clock());

        await using var check = database.NewContext();
        var seqs = await check.Audit.OrderBy(a => a.Id).Select(a => a.Seq).ToListAsync();
        Assert.All(seqs, s => Assert.NotNull(s));
        // One writer at a time: the chain's order is the order of the rows' ids.
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long?)i), seqs);
        var report = await AuditChain.VerifyAsync(check, Actors.Admin());
        Assert.True(report.Whole, string.Join("\n", report.Lines()));
        Assert.Equal(0, report.ExitCode);
        Assert.Equal(seqs.Count, report.RowsChecked);
        Assert.Equal(1, report.PublicationsChecked);
        var last = await check.Audit.OrderByDescending(a => a.Seq).FirstAsync();
        Assert.Equal((last.Seq, last.Hash), (report.Head!.Seq, report.Head.Hash));
        Assert.Equal(report.Head, await AuditChain.HeadAsync(check));

        // The ranking carries the publication's own audit row as its head.
        var cycle = await check.Cycles.SingleAsync(c => c.Id == cycleId);
        var publication = await check.Audit.SingleAsync(a => a.Seq == cycle.PublishedHeadSeq);
        Assert.Equal(("cycle", "Published", publication.Hash), (publication.Field, publication.NewValue, cycle.PublishedHeadHash));
        var ranking = (await new Features.Assessments.AssessmentService(check, Clock()).RankingAsync(cycleId, null)).Value;
        Assert.Equal(cycle.PublishedHead, ranking.AuditHead);
        Assert.Matches(@"^Nhật ký thay đổi: bản ghi số [\d.]+, mã [0-9a-f]{8}…[0-9a-f]{8}, lúc \d\d/\d\d/\d{4} \d\d:\d\d \(giờ Hà Nội\)$", ranking.AuditHead!.Text);
    }

    [Fact]
    public async Task Text_is_stored_and_hashed_in_NFC_and_the_time_to_the_microsecond()
    {
        await using var database = await TestDatabase.CreateAsync(provider, seeded: false);
        var decomposed = "Điều chỉnh điểm".Normalize(NormalizationForm.FormD);
        var at = new DateTime(2026, 12, 1, 2, 3, 4, DateTimeKind.Utc).AddTicks(1234567);
        await using (var db = database.NewContext())
        {
            db.Audit.Add(new AuditEntry { At = at, User = "Nguyễn Văn A".Normalize(NormalizationForm.FormD), Subject = "test", Field = "1.1", Reason = decomposed });
            await db.SaveChangesAsync();
        }
        await using var read = database.NewContext();
        var row = await read.Audit.SingleAsync();
        Assert.Equal(("Nguyễn Văn A".Normalize(), "Điều chỉnh điểm".Normalize()), (row.User, row.Reason));
        Assert.True(row.Reason!.IsNormalized(NormalizationForm.FormC));
        Assert.Equal(at.Ticks - 7, row.At.Ticks);
        Assert.Equal((1L, AuditChain.Genesis), (row.Seq, row.PrevHash));
        Assert.True((await AuditChain.VerifyAsync(read, Actors.Admin())).Whole);
    }

    [Fact]
    public async Task An_edited_row_is_reported_at_that_row_and_a_rewritten_one_at_the_next()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var before = await VerifyAsync(database);
        Assert.True(before.Whole, string.Join("\n", before.Lines()));
        var k = before.Head!.Seq / 2;

        await RawAsync(database, $"UPDATE \"Audit\" SET \"NewValue\" = '99' WHERE \"Seq\" = {k}");
        var edited = await VerifyAsync(database);
        Assert.False(edited.Whole);
        Assert.Equal(1, edited.ExitCode);
        Assert.Equal((ChainFault.ContentChanged, k), (edited.FirstBreak!.Fault, edited.FirstBreak.Seq));
        Assert.Equal(1, edited.BrokenRows);
        Assert.Equal(before.RowsChecked, edited.RowsChecked);
        Assert.Contains($"Chỗ hỏng đầu tiên: Bản ghi số {k.ToString("N0", ViText.Vi)}", string.Join("\n", edited.Lines()));

        // Whoever recomputes that row's hash (the algorithm is public) breaks its link with the next one instead.
        await using (var db = database.NewContext())
        {
            var row = await db.Audit.SingleAsync(a => a.Seq == k);
            await RawAsync(database, $"UPDATE \"Audit\" SET \"Hash\" = '{AuditChain.HashOf(row)}' WHERE \"Seq\" = {k}");
        }
        var rewritten = await VerifyAsync(database);
        Assert.Equal((ChainFault.PreviousMismatch, k + 1), (rewritten.FirstBreak!.Fault, rewritten.FirstBreak.Seq));
    }

    [Fact]
    public async Task A_deleted_middle_row_is_reported_as_a_gap()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var k = (await VerifyAsync(database)).Head!.Seq / 2;
        Assert.Equal(1, await RawAsync(database, $"DELETE FROM \"Audit\" WHERE \"Seq\" = {k}"));
        var report = await VerifyAsync(database);
        Assert.Equal((ChainFault.Missing, k), (report.FirstBreak!.Fault, report.FirstBreak.Seq));
        Assert.Contains($"Thiếu bản ghi số {k.ToString("N0", ViText.Vi)}", report.FirstBreak.Message);
        Assert.Equal(1, report.ExitCode);
    }

    [Fact]
    public async Task A_tail_cut_or_recomputed_after_a_publication_is_reported_against_the_publication_head()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        long published;
        await using (var db = database.NewContext())
        {
            var id = await AssessmentSetup.PublishedCycleAsync(db, Clock());
            published = (await db.Cycles.SingleAsync(c => c.Id == id)).PublishedHeadSeq!.Value;
            for (var i = 0; i < 3; i++) db.Audit.Add(Entry("after-" + i));
            await db.SaveChangesAsync();
        }

        // Rewriting the publication row and recomputing every hash after it leaves a chain that is whole in itself.
        await using (var db = database.NewContext())
        {
            var tail = await db.Audit.Where(a => a.Seq >= published).OrderBy(a => a.Seq).ToListAsync();
            var previous = tail[0].PrevHash!;
            foreach (var row in tail)
            {
                if (row.Seq == published)
                {
                    row.Reason = "Công bố lại";
                    await RawAsync(database, $"UPDATE \"Audit\" SET \"Reason\" = '{row.Reason}' WHERE \"Id\" = {row.Id}");
                }
                row.PrevHash = previous;
                row.Hash = previous = AuditChain.HashOf(row);
                await RawAsync(database, $"UPDATE \"Audit\" SET \"PrevHash\" = '{row.PrevHash}', \"Hash\" = '{row.Hash}' WHERE \"Id\" = {row.Id}");
            }
        }
        var recomputed = await VerifyAsync(database);
        Assert.Null(recomputed.FirstBreak);
        var changed = Assert.Single(recomputed.Publications);
        Assert.Equal((ChainFault.PublicationChanged, published), (changed.Fault, changed.Seq));
        Assert.Contains("nay mang mã", changed.Message);
        Assert.Equal(1, recomputed.ExitCode);

        // Cutting the tail from the publication on leaves a shorter chain, also whole in itself.
        await RawAsync(database, $"DELETE FROM \"Audit\" WHERE \"Seq\" >= {published}");
        var cut = await VerifyAsync(database);
        Assert.Null(cut.FirstBreak);
        Assert.Equal(published - 1, cut.Head!.Seq);
        var gone = Assert.Single(cut.Publications);
        Assert.Contains("không còn trong nhật ký", gone.Message);
        Assert.Equal(1, cut.ExitCode);
        Assert.Contains(cut.Lines(), l => l.Contains("Kỳ thử công bố"));
    }

    [Fact]
    public async Task A_row_inserted_past_the_app_is_reported_and_never_sealed_on_start()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await RawAsync(database, "INSERT INTO \"Audit\" (\"At\", \"User\", \"Subject\", \"Field\", \"OldValue\", \"NewValue\", \"Reason\") " +
            "VALUES ('2026-12-01 02:00:00', 'admin', 'result:par-province:2023:HN', 'total', '40', '45', 'Sửa tay')");
        // A start after the chain has begun leaves it as it is.
        await using (var db = database.NewContext()) await BuiltInData.MigrateAndSeedIfEmptyAsync(db, TimeProvider.System);

        await using var check = database.NewContext();
        var forged = await check.Audit.SingleAsync(a => a.Reason == "Sửa tay");
        Assert.Null(forged.Seq);
        var report = await AuditChain.VerifyAsync(check, Actors.Admin());
        Assert.Equal((ChainFault.Unsealed, forged.Id), (report.FirstBreak!.Fault, report.FirstBreak.RowId));
        Assert.Equal(1, report.BrokenRows);
        Assert.Equal(1, report.ExitCode);
    }

    [Fact]
    public async Task Rows_of_a_database_made_before_the_chain_are_sealed_once_in_Id_order_on_start()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await RawAsync(database, "UPDATE \"Audit\" SET \"Seq\" = NULL, \"PrevHash\" = NULL, \"Hash\" = NULL");
        var decomposed = "Nhập lại".Normalize(NormalizationForm.FormD);
        await RawAsync(database, $"UPDATE \"Audit\" SET \"Reason\" = '{decomposed}' WHERE \"Id\" = (SELECT MIN(\"Id\") FROM \"Audit\")");
        Assert.False((await VerifyAsync(database)).Whole);

        await using (var db = database.NewContext()) await BuiltInData.MigrateAndSeedIfEmptyAsync(db, TimeProvider.System);

        await using var check = database.NewContext();
        var rows = await check.Audit.OrderBy(a => a.Id).Select(a => new { a.Seq, a.Reason }).ToListAsync();
        Assert.Equal(Enumerable.Range(1, rows.Count).Select(i => (long?)i), rows.Select(r => r.Seq));
        Assert.Equal("Nhập lại".Normalize(), rows[0].Reason);
        var report = await AuditChain.VerifyAsync(check, Actors.Admin());
        Assert.True(report.Whole, string.Join("\n", report.Lines()));
    }

    [Fact]
    public async Task Concurrent_writers_append_one_after_another_without_forking()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var start = (await VerifyAsync(database)).Head!.Seq;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            await using var db = database.NewContext();
            for (var i = 0; i < 25; i++)
            {
                db.Audit.Add(Entry($"writer-{w}-{i}"));
                await db.SaveChangesAsync();
            }
        })));

        await using var check = database.NewContext();
        var seqs = await check.Audit.Where(a => a.Subject == "test:audit-chain").Select(a => a.Seq!.Value).ToListAsync();
        Assert.Equal(Enumerable.Range((int)start + 1, 100).Select(i => (long)i), seqs.Order());
        var report = await AuditChain.VerifyAsync(check, Actors.Admin());
        Assert.True(report.Whole, string.Join("\n", report.Lines()));
        Assert.Equal(start + 100, report.Head!.Seq);
    }

    [Fact]
    public async Task A_writer_waits_for_an_open_audit_transaction_and_appends_after_it()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var first = database.NewContext();
        await using var tx = await first.Database.BeginTransactionAsync();
        var a = first.Audit.Add(Entry("first")).Entity;
        await first.SaveChangesAsync();
        var second = Task.Run(async () =>
        {
            await using var db = database.NewContext();
            var b = db.Audit.Add(Entry("second")).Entity;
            await db.SaveChangesAsync();
            return b.Seq;
        });
        // Gives the second writer time to read the head while the first is open; without the lock it would read the same
        // head and fail on the unique Seq (PostgreSQL) or on its stale snapshot (SQLite) once the first commits.
        await Task.Delay(500);
        await tx.CommitAsync();
        Assert.Equal(a.Seq + 1, await second);
        Assert.True((await VerifyAsync(database)).Whole);
    }

    [Fact]
    public async Task The_api_verifies_and_shows_the_head_and_the_ranking_page_and_the_report_print_it()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        int cycleId;
        AuditHead publication;
        await using (var db = database.NewContext())
        {
            cycleId = await AssessmentSetup.PublishedCycleAsync(db, Clock());
            publication = (await db.Cycles.SingleAsync(c => c.Id == cycleId)).PublishedHead!;
        }
        async Task<AuditHead> HeadAsync()
        {
            await using var db = database.NewContext();
            return (await AuditChain.HeadAsync(db))!;
        }
        await using var app = new ChiSoApp(database);
        using var admin = app.CreateClient();
        using var leader = await app.ClientAsync(Roles.Leader);

        var shown = await admin.GetFromJsonAsync<JsonElement>("/api/audit/head");
        var head = await HeadAsync();
        Assert.Equal((head.Seq, head.Hash), (shown.GetProperty("seq").GetInt64(), shown.GetProperty("hash").GetString()));
        Assert.Equal(head.Text, shown.GetProperty("text").GetString());
        var verified = await leader.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Assert.True(verified.GetProperty("whole").GetBoolean());
        Assert.Equal(1, verified.GetProperty("publicationsChecked").GetInt32());

        var page = await app.AnonymousClient().GetStringAsync($"/xep-hang/{cycleId}");
        Assert.Contains(publication.Text, page);
        var docx = await admin.GetByteArrayAsync("/api/reports/consolidated.docx?year=2024&period=Q1&asOf=2024-03-20");
        head = await HeadAsync();
        using (var word = WordprocessingDocument.Open(new MemoryStream(docx), false))
            Assert.Contains(word.MainDocumentPart!.Document!.Body!.Descendants<Paragraph>(), p => p.InnerText.StartsWith(head.Text + ".", StringComparison.Ordinal)
                && p.InnerText.EndsWith(head.Hash, StringComparison.Ordinal));

        await RawAsync(database, $"UPDATE \"Audit\" SET \"User\" = 'ai đó' WHERE \"Seq\" = {publication.Seq - 1}");
        var broken = await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Assert.False(broken.GetProperty("whole").GetBoolean());
        Assert.Equal("ContentChanged", broken.GetProperty("firstBreak").GetProperty("fault").GetString());
        Assert.Equal(publication.Seq - 1, broken.GetProperty("firstBreak").GetProperty("seq").GetInt64());
        using var editor = await app.ClientAsync(Roles.UnitEditor, "SNV");
        Assert.Equal(HttpStatusCode.Forbidden, (await editor.GetAsync("/api/audit/verify")).StatusCode);
    }
}

public sealed class AuditChainSqliteTests() : AuditChainTests(Provider.Sqlite);

public sealed class AuditChainPostgresTests() : AuditChainTests(Provider.Postgres);
