using ChiSo.Features.Accounts;
using System.Security.Cryptography;
using ChiSo.Data;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Features.Files;

/// <summary>The one check every upload passes (a plan's source document, evidence of progress): size, a known
/// extension, and content whose first bytes match that extension, so a renamed program is refused whatever the
/// browser claims. Stored files are found again by SHA-256: the same content is kept once.</summary>
public static class UploadedFiles
{
    public const long MaxBytes = 20 * 1024 * 1024;

    static readonly byte[] Zip = [0x50, 0x4B, 0x03, 0x04];
    static readonly byte[] Ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    static readonly Dictionary<string, (string ContentType, bool Image, Func<byte[], bool> Looks)> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        [".pdf"] = (ContentTypes.Pdf, false, c => c is [0x25, 0x50, 0x44, 0x46, ..]),
        [".doc"] = ("application/msword", false, c => c.AsSpan().StartsWith(Ole)),
        [".xls"] = ("application/vnd.ms-excel", false, c => c.AsSpan().StartsWith(Ole)),
        [".ppt"] = ("application/vnd.ms-powerpoint", false, c => c.AsSpan().StartsWith(Ole)),
        [".docx"] = (ContentTypes.Docx, false, c => c.AsSpan().StartsWith(Zip)),
        [".xlsx"] = (ContentTypes.Xlsx, false, c => c.AsSpan().StartsWith(Zip)),
        [".pptx"] = ("application/vnd.openxmlformats-officedocument.presentationml.presentation", false, c => c.AsSpan().StartsWith(Zip)),
        [".odt"] = ("application/vnd.oasis.opendocument.text", false, c => c.AsSpan().StartsWith(Zip)),
        [".ods"] = ("application/vnd.oasis.opendocument.spreadsheet", false, c => c.AsSpan().StartsWith(Zip)),
        [".rtf"] = ("application/rtf", false, c => c.AsSpan().StartsWith("{\\rtf"u8)),
        [".jpg"] = ("image/jpeg", true, c => c is [0xFF, 0xD8, 0xFF, ..]),
        [".jpeg"] = ("image/jpeg", true, c => c is [0xFF, 0xD8, 0xFF, ..]),
        [".png"] = ("image/png", true, c => c is [0x89, 0x50, 0x4E, 0x47, ..]),
        [".gif"] = ("image/gif", true, c => c is [0x47, 0x49, 0x46, 0x38, ..]),
        [".webp"] = ("image/webp", true, c => c is [0x52, 0x49, 0x46, 0x46, _, _, _, _, 0x57, 0x45, 0x42, 0x50, ..]),
        [".tif"] = ("image/tiff", true, c => c is [0x49, 0x49, 0x2A, 0x00, ..] or [0x4D, 0x4D, 0x00, 0x2A, ..]),
        [".tiff"] = ("image/tiff", true, c => c is [0x49, 0x49, 0x2A, 0x00, ..] or [0x4D, 0x4D, 0x00, 0x2A, ..]),
    };

    public static FileRefused TooLarge(string? fileName) => FileRefused.TooLarge($"Tệp '{ImportedFiles.FileName(fileName)}' lớn hơn 20 MB.");

    /// <summary>An upload's content in one array, read at most one byte past <see cref="MaxBytes"/> (so <see cref="Check"/>
    /// refuses a larger file without it being read whole). A stream that knows its length is read straight into an array of
    /// that size: one copy of the file in memory, not three.</summary>
    public static async Task<byte[]> ReadAsync(Stream stream, CancellationToken ct = default)
    {
        if (stream.CanSeek)
        {
            var content = new byte[Math.Min(stream.Length - stream.Position, MaxBytes + 1)];
            await stream.ReadExactlyAsync(content, ct);
            return content;
        }
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while (buffer.Length <= MaxBytes && (read = await stream.ReadAsync(chunk, ct)) > 0) buffer.Write(chunk, 0, read);
        return buffer.ToArray();
    }

    /// <summary>The extensions a file picker should offer.</summary>
    public static string Accept(bool images) => string.Join(",", Types.Where(t => images || !t.Value.Image).Select(t => t.Key));

    /// <summary>A file ready to store, or why it is refused (Vietnamese). Internal: the services that accept uploads call it
    /// once they have decided that the actor may, and name them.</summary>
    internal static (StoredFile? File, string? Error) Check(string fileName, byte[] content, bool images, Actor uploadedBy, DateTime now)
    {
        var name = ImportedFiles.FileName(fileName);
        var ext = Path.GetExtension(name);
        if (name.Length > 300) return (null, "Tên tệp dài quá 300 ký tự.");
        if (content.Length == 0) return (null, $"Tệp '{name}' rỗng.");
        if (content.Length > MaxBytes) return (null, $"Tệp '{name}' lớn hơn 20 MB.");
        if (!Types.TryGetValue(ext, out var type) || (type.Image && !images))
            return (null, $"Tệp '{name}' không được nhận: chỉ nhận PDF, Word, Excel, PowerPoint, OpenDocument{(images ? " và ảnh" : "")}.");
        if (!type.Looks(content)) return (null, $"Nội dung tệp '{name}' không phải tệp {ext.TrimStart('.').ToUpperInvariant()}.");
        return (new StoredFile
        {
            Name = name, ContentType = type.ContentType, Size = content.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)),
            Content = content, UploadedAt = now, UploadedBy = uploadedBy.Name,
        }, null);
    }

    /// <summary>The stored file with the same content, or the candidate added to the context (saved by the caller).</summary>
    public static async Task<StoredFile> KeepOnceAsync(ChiSoDb db, StoredFile candidate, CancellationToken ct)
    {
        var existing = await db.Files.FirstOrDefaultAsync(f => f.Sha256 == candidate.Sha256 && f.Size == candidate.Size, ct);
        if (existing is not null) return existing;
        db.Files.Add(candidate);
        return candidate;
    }
}

/// <summary>Content types of the Office files ChiSo writes.</summary>
public static class ContentTypes
{
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    public const string Pdf = "application/pdf";
}
