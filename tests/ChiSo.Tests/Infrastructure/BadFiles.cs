using System.IO.Compression;
using System.Net;
using System.Text;

namespace ChiSo.Tests.Infrastructure;

/// <summary>Files crafted to break an import: a zip bomb, broken workbooks, and a large upload that is generated as it is
/// sent (never held in memory).</summary>
public static class BadFiles
{
    const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    /// <summary>About 1 MB of .xlsx whose sheet is one highly repetitive row written again and again, so its XML inflates
    /// to <paramref name="inflatedMb"/> MB. The deflate is streamed into the zip; only the compressed bytes are kept.</summary>
    public static byte[] ZipBomb(int inflatedMb = 450) => Workbook(sheet =>
    {
        var row = Encoding.UTF8.GetBytes("<row>" + string.Concat(Enumerable.Repeat("<c t=\"inlineStr\"><is><t>Bom</t></is></c>", 20)) + "</row>");
        var target = (long)inflatedMb * 1024 * 1024;
        for (long written = 0; written < target; written += row.Length) sheet.Write(row);
    });

    static readonly Lazy<byte[]> Bomb = new(() => ZipBomb());

    /// <summary>One 450 MB bomb per test run.</summary>
    public static byte[] SharedZipBomb => Bomb.Value;

    /// <summary>A workbook skeleton (content types, relationships, one sheet "Sheet1") whose sheet data the caller writes.</summary>
    public static byte[] Workbook(Action<Stream> sheetData, string? sheetXml = null)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Text(string name, string text)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                s.Write(Encoding.UTF8.GetBytes(text));
            }
            Text("[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>""");
            Text("_rels/.rels", """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
            Text("xl/workbook.xml", $"""<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{Main}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>""");
            Text("xl/_rels/workbook.xml.rels", """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>""");
            using var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            if (sheetXml is not null) sheet.Write(Encoding.UTF8.GetBytes(sheetXml));
            else
            {
                sheet.Write(Encoding.UTF8.GetBytes($"""<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{Main}"><sheetData>"""));
                sheetData(sheet);
                sheet.Write("</sheetData></worksheet>"u8);
            }
        }
        return output.ToArray();
    }

    /// <summary>A workbook whose sheet XML stops in the middle of a cell.</summary>
    public static byte[] BrokenXml() => Workbook(_ => { },
        $"""<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{Main}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Đơn vị</t></is></c><c r="B1" t="inlineStr"><is><t>Nhóm</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>SNV</t></is""");

    /// <summary>A zip that is not a workbook: one text file.</summary>
    public static byte[] ZipWithoutWorkbook()
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        using (var s = zip.CreateEntry("ghi-chu.txt").Open()) s.Write("không phải bảng tính"u8);
        return output.ToArray();
    }

    /// <summary>Starts like a zip ("PK") but is not one.</summary>
    public static byte[] NotAZip() => [.. "PK\u0003\u0004"u8, .. Encoding.UTF8.GetBytes("tệp hỏng, không phải zip")];

    /// <summary>Content of <paramref name="bytes"/> zero bytes behind <paramref name="prefix"/>, generated while it is sent.</summary>
    public sealed class Generated(long bytes, byte[] prefix) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(prefix);
            var block = new byte[1024 * 1024];
            for (var left = bytes - prefix.Length; left > 0; left -= block.Length)
                await stream.WriteAsync(block.AsMemory(0, (int)Math.Min(block.Length, left)));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes;
            return true;
        }
    }
}
