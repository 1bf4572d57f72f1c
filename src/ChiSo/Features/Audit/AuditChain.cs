using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Audit;

/// <summary>The chain's last row, as printed on published rankings and consolidated reports: a later change of the log
/// shows against the paper copy.</summary>
public sealed record AuditHead(long Seq, string Hash, DateTime At)
{
    public string ShortHash => AuditChain.Short(Hash);

    string Hanoi => (At + ViText.VietnamOffset).ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture);

    /// <summary>"Nhật ký thay đổi: bản ghi số 1.234, mã 3f9a01bc…77d0c21e, lúc 20/03/2027 09:00 (giờ Hà Nội)".</summary>
    public string Text => $"Nhật ký thay đổi: bản ghi số {AuditChain.Number(Seq)}, mã {ShortHash}, lúc {Hanoi} (giờ Hà Nội)";

    public string English => $"Change log: entry no. {Seq.ToString("N0", CultureInfo.InvariantCulture)}, code {ShortHash}, at {Hanoi} (Hanoi time)";

    /// <summary>The sheet a workbook carries it in.</summary>
    public const string Sheet = "Nhật ký thay đổi";

    public List<Dictionary<string, object?>> SheetRows() =>
        [new() { ["Nhật ký thay đổi"] = Text, ["Bản ghi số"] = Seq, ["Mã đầy đủ"] = Hash, ["Lúc (giờ Hà Nội)"] = Hanoi }];
}

/// <summary>What is wrong with a row: edited, deleted (a gap in the numbering), linked to a previous row that was
/// replaced, written past the app (no hash), or a publication's recorded head that the log no longer holds.</summary>
public enum ChainFault { ContentChanged, Missing, PreviousMismatch, Unsealed, PublicationChanged }

public sealed record ChainBreak(ChainFault Fault, long? Seq, long? RowId, string Message);

/// <summary>The result of <see cref="AuditChain.VerifyAsync"/>: whole when no row and no publication head is broken.</summary>
public sealed record ChainReport(long RowsChecked, AuditHead? Head, ChainBreak? FirstBreak, long BrokenRows, int PublicationsChecked,
    IReadOnlyList<ChainBreak> Publications)
{
    public bool Whole => FirstBreak is null && Publications.Count == 0;

    /// <summary>The CLI's exit code: 0 whole, 1 broken.</summary>
    public int ExitCode => Whole ? 0 : 1;

    /// <summary>The report in Vietnamese, as <c>./chiso audit verify</c> prints it.</summary>
    public IEnumerable<string> Lines()
    {
        yield return Whole
            ? $"Chuỗi nhật ký nguyên vẹn: đã kiểm tra {AuditChain.Number(RowsChecked)} bản ghi."
            : $"Chuỗi nhật ký bị phá vỡ: đã kiểm tra {AuditChain.Number(RowsChecked)} bản ghi, {AuditChain.Number(BrokenRows)} bản ghi có vấn đề.";
        yield return Head is null ? "Nhật ký chưa có bản ghi nào." : "Bản ghi cuối — " + Head.Text + $" (mã đầy đủ {Head.Hash}).";
        if (FirstBreak is not null) yield return "Chỗ hỏng đầu tiên: " + FirstBreak.Message;
        yield return $"Đã đối chiếu {PublicationsChecked} kỳ xếp hạng đã công bố" + (Publications.Count == 0 ? ": khớp." : ":");
        foreach (var p in Publications) yield return "  " + p.Message;
    }
}

/// <summary>
/// The audit log as a hash chain (docs/decisions/0013). Every row gets, when saved, <see cref="AuditEntry.Seq"/> (the
/// previous row's + 1), <see cref="AuditEntry.PrevHash"/> and <see cref="AuditEntry.Hash"/> = SHA-256 of
/// <see cref="Encode"/>. <see cref="ChiSoDb"/> calls <see cref="SealAsync"/> from SaveChanges whenever it adds audit
/// rows, inside the saving transaction and after taking the chain's lock, so every writer appends in turn.
/// </summary>
public static class AuditChain
{
    /// <summary>The previous hash of row 1.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>PostgreSQL advisory lock key ("ChiSoAud" in ASCII): one per database, held until the transaction ends.</summary>
    public const long LockKey = 0x4368_6953_6F41_7564;

    const string Version = "chiso-audit/1";

    internal static string Number(long n) => n.ToString("N0", ViText.Vi);

    /// <summary>First and last 8 hex characters: enough to compare by eye with a recomputed chain.</summary>
    public static string Short(string hash) => hash.Length <= 16 ? hash : $"{hash[..8]}…{hash[^8..]}";

    /// <summary>
    /// The bytes hashed for a row, unambiguous by construction: the version tag, then Seq and At (UTC ticks) as 8-byte
    /// big-endian integers, then User, Subject, Field, OldValue, NewValue, Reason and PrevHash, each as a 4-byte
    /// big-endian length of its UTF-8 bytes (−1 for null) followed by those bytes. The tag is written as a string first.
    /// </summary>
    public static byte[] Encode(AuditEntry e)
    {
        var w = new ArrayBufferWriter<byte>(256);
        Write(w, Version);
        BinaryPrimitives.WriteInt64BigEndian(w.GetSpan(8), e.Seq ?? 0);
        w.Advance(8);
        BinaryPrimitives.WriteInt64BigEndian(w.GetSpan(8), e.At.Ticks);
        w.Advance(8);
        foreach (var s in new[] { e.User, e.Subject, e.Field, e.OldValue, e.NewValue, e.Reason, e.PrevHash }) Write(w, s);
        return w.WrittenSpan.ToArray();
    }

    static void Write(ArrayBufferWriter<byte> w, string? s)
    {
        var n = s is null ? -1 : Encoding.UTF8.GetByteCount(s);
        BinaryPrimitives.WriteInt32BigEndian(w.GetSpan(4), n);
        w.Advance(4);
        if (n > 0) w.Advance(Encoding.UTF8.GetBytes(s, w.GetSpan(n)));
    }

    public static string HashOf(AuditEntry e) => Convert.ToHexStringLower(SHA256.HashData(Encode(e)));

    /// <summary>Gives a row its place: content in the form it is stored and hashed in (NFC text, UTC to the microsecond,
    /// the precision PostgreSQL keeps), then Seq, PrevHash and Hash.</summary>
    static void Seal(AuditEntry e, long seq, string previous)
    {
        var at = e.At.Kind == DateTimeKind.Local ? e.At.ToUniversalTime() : e.At;
        e.At = new DateTime(at.Ticks - at.Ticks % 10, DateTimeKind.Utc);
        e.User = Nfc(e.User)!;
        e.Subject = Nfc(e.Subject)!;
        e.Field = Nfc(e.Field)!;
        e.OldValue = Nfc(e.OldValue);
        e.NewValue = Nfc(e.NewValue);
        e.Reason = Nfc(e.Reason);
        e.Seq = seq;
        e.PrevHash = previous;
        e.Hash = HashOf(e);
    }

    // Normalised before hashing and before storing, so a later NFC normaliser never changes a hashed value.
    static string? Nfc(string? s)
    {
        if (s is null) return null;
        try { return s.Normalize(NormalizationForm.FormC); }
        // A broken surrogate pair: stored as UTF-8 stores it (U+FFFD), so the stored text hashes the same when read back.
        catch (ArgumentException) { return Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s)).Normalize(NormalizationForm.FormC); }
    }

    /// <summary>The audit rows a save adds. Looked up without DetectChanges (the save runs it anyway): an audit row has no
    /// navigation, so it only becomes Added through Add, which marks it at once.</summary>
    internal static List<AuditEntry> Added(DbContext db)
    {
        var tracker = db.ChangeTracker;
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        // In the order EF inserts them (by temporary key), so that Seq follows Id as it does for rows sealed on start.
        try { return [.. tracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added).OrderBy(e => e.Property(a => a.Id).CurrentValue).Select(e => e.Entity)]; }
        finally { tracker.AutoDetectChangesEnabled = detect; }
    }

    /// <summary>Chains the added rows after the head. Must run inside the transaction that saves them: on PostgreSQL
    /// every writer (every app instance) queues on one advisory lock until its transaction ends; SQLite's transactions
    /// begin IMMEDIATE, so the head is read under the database's single write lock.</summary>
    internal static async Task SealAsync(ChiSoDb db, List<AuditEntry> added, bool async, CancellationToken ct)
    {
        await LockAsync(db, async, ct);
        var q = db.Audit.AsNoTracking().Where(a => a.Seq != null).OrderByDescending(a => a.Seq).Select(a => new { a.Seq, a.Hash });
        var head = async ? await q.FirstOrDefaultAsync(ct) : q.FirstOrDefault();
        var seq = head?.Seq ?? 0;
        var previous = head?.Hash ?? Genesis;
        foreach (var e in added)
        {
            Seal(e, ++seq, previous);
            previous = e.Hash!;
        }
    }

    static async Task LockAsync(ChiSoDb db, bool async, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql()) return;
        var sql = "SELECT pg_advisory_xact_lock(" + LockKey.ToString(CultureInfo.InvariantCulture) + ")";
        if (async) await db.Database.ExecuteSqlRawAsync(sql, ct);
        else db.Database.ExecuteSqlRaw(sql);
    }

    /// <summary>Seals the rows of a database made before the chain, in Id order — only while no row is sealed yet: once the
    /// chain has begun, a row without a hash was written past the app and stays a break for verify to report.</summary>
    public static async Task<long> SealExistingAsync(ChiSoDb db, CancellationToken ct = default)
    {
        if (await db.Audit.AnyAsync(a => a.Seq != null, ct) || !await db.Audit.AnyAsync(ct)) return 0;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await LockAsync(db, async: true, ct);
        // Another instance starting at the same time may have sealed them while this one waited.
        if (await db.Audit.AnyAsync(a => a.Seq != null, ct)) return 0;
        long seq = 0, lastId = 0;
        var previous = Genesis;
        while (true)
        {
            var batch = await db.Audit.Where(a => a.Id > lastId).OrderBy(a => a.Id).Take(1000).ToListAsync(ct);
            if (batch.Count == 0) break;
            foreach (var e in batch)
            {
                Seal(e, ++seq, previous);
                previous = e.Hash!;
            }
            await db.SaveChangesAsync(ct);
            foreach (var e in batch) db.Entry(e).State = EntityState.Detached;
            lastId = batch[^1].Id;
        }
        await tx.CommitAsync(ct);
        return seq;
    }

    /// <summary>The change log and its check are for the standing agency and leaders; the head alone is public (it is
    /// printed on published rankings).</summary>
    public static bool MayRead(Actor actor) => actor.ReadsAll;

    internal static void RequireRead(Actor actor) =>
        actor.Require(MayRead(actor), "Chỉ cơ quan thường trực và lãnh đạo được xem nhật ký thay đổi.");

    public static Task<AuditHead?> HeadAsync(ChiSoDb db, CancellationToken ct = default) =>
        db.Audit.AsNoTracking().Where(a => a.Seq != null && a.Hash != null).OrderByDescending(a => a.Seq)
            .Select(a => new AuditHead(a.Seq!.Value, a.Hash!, a.At)).FirstOrDefaultAsync(ct);

    sealed record PublishedHead(int CycleId, string Name, long Seq, string Hash);

    /// <summary>Reads the whole chain in Seq order, one row at a time (never the table in memory), and checks each row's
    /// hash, its link to the previous row and the numbering; then the rows outside the chain, and the head recorded by
    /// every published ranking (which catches a tail cut off after a publication).</summary>
    public static async Task<ChainReport> VerifyAsync(ChiSoDb db, Actor actor, CancellationToken ct = default)
    {
        RequireRead(actor);
        var published = await db.Cycles.AsNoTracking().Where(c => c.PublishedHeadSeq != null && c.PublishedHeadHash != null)
            .OrderBy(c => c.PublishedHeadSeq).Select(c => new PublishedHead(c.Id, c.Name, c.PublishedHeadSeq!.Value, c.PublishedHeadHash!))
            .ToListAsync(ct);
        var bySeq = published.ToLookup(p => p.Seq);
        var found = new HashSet<long>();
        var publications = new List<ChainBreak>();
        ChainBreak? first = null;
        long rows = 0, broken = 0;
        AuditEntry? previous = null;
        await foreach (var row in db.Audit.AsNoTracking().Where(a => a.Seq != null).OrderBy(a => a.Seq).AsAsyncEnumerable().WithCancellation(ct))
        {
            rows++;
            if (Check(row, previous) is { } fault)
            {
                broken++;
                first ??= fault;
            }
            foreach (var p in bySeq[row.Seq!.Value])
            {
                found.Add(p.Seq);
                if (p.Hash != row.Hash)
                    publications.Add(Publication(p, $"nay mang mã {(row.Hash is null ? "(trống)" : Short(row.Hash))}"));
            }
            previous = row;
        }
        publications.AddRange(published.Where(p => !found.Contains(p.Seq)).Select(p => Publication(p, "bản ghi này không còn trong nhật ký")));

        var loose = db.Audit.AsNoTracking().Where(a => a.Seq == null);
        var looseCount = await loose.LongCountAsync(ct);
        if (looseCount > 0)
        {
            broken += looseCount;
            var id = await loose.OrderBy(a => a.Id).Select(a => a.Id).FirstAsync(ct);
            first ??= new ChainBreak(ChainFault.Unsealed, null, id,
                $"Dòng {id} nằm ngoài chuỗi (không có số thứ tự, không có mã): được ghi thẳng vào cơ sở dữ liệu, không qua ứng dụng" +
                (looseCount > 1 ? $"; cùng {Number(looseCount - 1)} dòng khác như vậy." : "."));
        }
        var head = previous is { Seq: { } s, Hash: { } h } ? new AuditHead(s, h, previous.At) : null;
        return new ChainReport(rows, head, first, broken, published.Count, publications);
    }

    static ChainBreak Publication(PublishedHead p, string what) => new(ChainFault.PublicationChanged, p.Seq, null,
        $"Kỳ “{p.Name}” (số {p.CycleId}) công bố kèm bản ghi số {Number(p.Seq)}, mã {Short(p.Hash)}: {what}.");

    static ChainBreak? Check(AuditEntry row, AuditEntry? previous)
    {
        var seq = row.Seq!.Value;
        var expected = (previous?.Seq ?? 0) + 1;
        if (row.Hash is null || row.PrevHash is null)
            return new(ChainFault.Unsealed, seq, row.Id, $"Bản ghi số {Number(seq)} (dòng {row.Id}) không có mã: được ghi thẳng vào cơ sở dữ liệu, không qua ứng dụng.");
        if (seq > expected)
            return new(ChainFault.Missing, expected, row.Id, (seq - 1 == expected ? $"Thiếu bản ghi số {Number(expected)}" : $"Thiếu các bản ghi số {Number(expected)}–{Number(seq - 1)}") +
                $": đã bị xoá (bản ghi còn lại tiếp theo là số {Number(seq)}, dòng {row.Id}).");
        if (HashOf(row) != row.Hash)
            return new(ChainFault.ContentChanged, seq, row.Id, $"Bản ghi số {Number(seq)} (dòng {row.Id}) đã bị sửa: nội dung không còn khớp với mã đã lưu.");
        if (row.PrevHash != (previous?.Hash ?? Genesis))
            return new(ChainFault.PreviousMismatch, seq, row.Id, previous is null
                ? $"Bản ghi số {Number(seq)} (dòng {row.Id}) không nối tiếp điểm đầu của chuỗi."
                : $"Bản ghi số {Number(seq)} (dòng {row.Id}) không nối tiếp bản ghi số {Number(previous.Seq!.Value)}: bản ghi trước đó đã bị thay thế hoặc tính lại mã.");
        return null;
    }
}
