using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using MiniExcelLibs;
using MiniExcelLibs.OpenXml;

namespace ChiSo.Features.Files;

/// <summary>One row of a sheet or CSV file: its number as the spreadsheet shows it (the header is row 1 when it is the
/// first) and its cells in column order: text (NFC), or for a workbook the number, date or yes/no the cell holds.</summary>
public readonly record struct SheetRow(int Number, object?[] Cells)
{
    public object? this[int column] => (uint)column < (uint)Cells.Length ? Cells[column] : null;
}

/// <summary>A sheet or CSV file read row by row: the header (its first non-empty row), then the data rows as they are read.
/// <see cref="Rows"/> can be walked once; the import's row limit is counted as it goes (empty rows are skipped and not
/// counted), so a file with too many rows is refused at the first row past the limit, never held whole.</summary>
public sealed class Table : IDisposable
{
    readonly IEnumerator<SheetRow> rows;
    readonly ImportLimits limits;
    readonly Dictionary<string, int> index = new(StringComparer.OrdinalIgnoreCase);

    internal Table(IEnumerable<SheetRow> source, ImportLimits limits, int? declaredRows)
    {
        this.limits = limits;
        rows = source.GetEnumerator();
        DeclaredRows = declaredRows;
        while (Next(out var first))
        {
            if (Empty(first.Cells)) continue;
            Columns = first.Cells.Select(c => ImportedFiles.Text(c)?.Trim() ?? "").ToList();
            HeaderRow = first.Number;
            break;
        }
        for (var i = 0; i < Columns.Count; i++)
            if (Columns[i].Length > 0) index.TryAdd(Columns[i], i);
    }

    /// <summary>The header's cells, trimmed and NFC; empty when the file has no row at all.</summary>
    public IReadOnlyList<string> Columns { get; } = [];
    public int HeaderRow { get; }
    /// <summary>The data rows the file says it has (a workbook's dimension, less the header), for a progress bar; null
    /// when it does not say.</summary>
    public int? DeclaredRows { get; }

    /// <summary>The first of <paramref name="names"/> among the columns, in any case; -1 when none is.</summary>
    public int Column(params string[] names)
    {
        foreach (var n in names) if (index.TryGetValue(n, out var i)) return i;
        return -1;
    }

    public IEnumerable<SheetRow> Rows
    {
        get
        {
            var count = 0;
            while (Next(out var row))
            {
                if (Empty(row.Cells)) continue;
                if (++count > limits.MaxRows) throw limits.TooManyRows();
                yield return row;
            }
        }
    }

    bool Next(out SheetRow row)
    {
        if (rows.MoveNext()) { row = rows.Current; return true; }
        row = default;
        return false;
    }

    static bool Empty(object?[] cells)
    {
        foreach (var c in cells) if (c is not null && (c is not string s || !string.IsNullOrWhiteSpace(s))) return false;
        return true;
    }

    public void Dispose() => rows.Dispose();
}

/// <summary>The one way an imported or uploaded file is read. Before a workbook reaches MiniExcel, its zip's central
/// directory (each part's sizes, read without inflating anything) is checked: too many parts, more inflated bytes than the
/// import allows, or a part that inflates absurdly is refused. Rows are then streamed with the import's row limit; CSV is
/// read record by record with a length cap. Every text (headers, cells, sheet and file names) is normalised to NFC as it
/// is read, so a file saved on a Mac (decomposed diacritics) reads like any other.</summary>
public static class ImportedFiles
{
    /// <summary>Excel's own limit: a row number past it is not a real sheet.</summary>
    const int ExcelMaxRow = 1_048_576;

    static readonly OpenXmlConfiguration Reading = new()
    {
        // A cell "@@@fileid@@@,<part>" would otherwise make MiniExcel load that part whole into a byte array.
        EnableConvertByteArray = false,
        FillMergedCells = false,
    };

    static readonly XmlReaderSettings Xml = new() { IgnoreComments = true, IgnoreWhitespace = true, XmlResolver = null, DtdProcessing = DtdProcessing.Prohibit };

    public static string Nfc(string s) => s.IsNormalized(NormalizationForm.FormC) ? s : s.Normalize(NormalizationForm.FormC);

    /// <summary>Every text of an imported document (a framework, questionnaire, plan or the registry as JSON, whichever
    /// door it came through) in NFC, in place: its string properties, lists of strings and dictionary keys and values, down
    /// its tree. Called by each importer first, so the API, the pages, the CLI and the built-in data all get it.</summary>
    public static T NfcDocument<T>(T document) where T : class
    {
        Normalize(document, new HashSet<object>(ReferenceEqualityComparer.Instance));
        return document;
    }

    static object? Normalize(object? value, HashSet<object> seen)
    {
        switch (value)
        {
            case null: return null;
            case string s: return Nfc(s);
            case IList<string> list when list is string[] || !list.IsReadOnly:
                for (var i = 0; i < list.Count; i++) if (list[i] is { } item) list[i] = Nfc(item);
                return list;
            case System.Collections.IDictionary map when map.GetType().GetGenericArguments() is [var key, _] && key == typeof(string):
                var pairs = new List<(object Key, object? Value)>();
                foreach (System.Collections.DictionaryEntry e in map) pairs.Add((e.Key, e.Value));
                map.Clear();
                foreach (var (k, v) in pairs) map[Nfc((string)k)] = Normalize(v, seen);
                return map;
            case System.Collections.IList items:
                for (var i = 0; i < items.Count; i++)
                {
                    var item = Normalize(items[i], seen);
                    if (!items.IsReadOnly && !ReferenceEquals(item, items[i])) items[i] = item;
                }
                return items;
        }
        var type = value.GetType();
        if (type.IsPrimitive || type.IsEnum || value is decimal or DateOnly or DateTime or DateTimeOffset or Guid || !seen.Add(value)) return value;
        foreach (var p in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (!p.CanRead || p.GetIndexParameters().Length > 0) continue;
            var current = p.GetValue(value);
            if (current is null) continue;
            var normalized = Normalize(current, seen);
            if (!ReferenceEquals(normalized, current) && p.CanWrite) p.SetValue(value, normalized);
        }
        return value;
    }

    /// <summary>An uploaded file's name as kept: without folders, trimmed, NFC.</summary>
    public static string FileName(string? name) => Nfc(Path.GetFileName(name ?? "").Trim());

    /// <summary>A cell as text: numbers in invariant form, dates as yyyy-MM-dd; null for an empty cell.</summary>
    public static string? Text(object? cell) => cell switch
    {
        null => null,
        string s => s,
        double d => d.ToString(CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "TRUE" : "FALSE",
        _ => Convert.ToString(cell, CultureInfo.InvariantCulture),
    };

    /// <summary>The file as a seekable stream within the import's size (the readers go over it more than once); a stream
    /// that cannot seek is copied, refused past the limit without reading further.</summary>
    public static async Task<Stream> SeekableAsync(Stream file, ImportLimits limits, string? name = null, CancellationToken ct = default)
    {
        if (file.CanSeek)
        {
            if (file.Length > limits.MaxBytes) throw limits.TooManyBytes(name);
            file.Position = 0;
            return file;
        }
        var copy = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await file.ReadAsync(buffer, ct)) > 0)
        {
            if (copy.Length + read > limits.MaxBytes) throw limits.TooManyBytes(name);
            copy.Write(buffer, 0, read);
        }
        copy.Position = 0;
        return copy;
    }

    public static Stream Seekable(Stream file, ImportLimits limits, string? name = null) =>
        SeekableAsync(file, limits, name).GetAwaiter().GetResult();

    /// <summary>A workbook (.xlsx) or CSV file, told apart by its first bytes; a workbook's first sheet.</summary>
    public static Table Read(Stream file, ImportLimits limits)
    {
        var seekable = Seekable(file, limits);
        Span<byte> head = stackalloc byte[4];
        var n = seekable.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        seekable.Position = 0;
        if (n == 4 && head.SequenceEqual<byte>([0xD0, 0xCF, 0x11, 0xE0]))
            throw FileRefused.Unreadable("Tệp Excel 97–2003 (.xls) không được nhận: hãy lưu lại thành .xlsx hoặc CSV UTF-8.");
        return n >= 2 && head[0] == (byte)'P' && head[1] == (byte)'K' ? Workbook.Open(seekable, limits).Read() : ReadCsv(seekable, limits);
    }

    /// <summary>CSV: comma, semicolon or tab (whichever the first line has most of), quotes as in RFC 4180, UTF-8 (or
    /// UTF-16 with its byte-order mark). A file in another encoding (Windows-1258, as older Excel saves "CSV") is refused,
    /// not read as garbled text.</summary>
    public static Table ReadCsv(Stream file, ImportLimits limits)
    {
        var stream = Seekable(file, limits);
        var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true,
            bufferSize: 65536, leaveOpen: true);
        return new Table(new CsvRecords(reader).Rows(), limits, null);
    }

    sealed class CsvRecords(TextReader reader)
    {
        readonly char[] buffer = new char[65536];
        int pos, len;
        char separator;
        // Most cells repeat (levels, unit and group codes): one string each instead of one per cell.
        readonly Dictionary<string, string> pool = [];

        public IEnumerable<SheetRow> Rows()
        {
            try
            {
                Fill();
                separator = Separator();
                var number = 0;
                var cells = new List<object?>();
                var cell = new StringBuilder();
                while (Record(cells, cell))
                {
                    number++;
                    yield return new SheetRow(number, [.. cells]);
                }
            }
            finally { reader.Dispose(); }
        }

        char Separator()
        {
            var line = buffer.AsSpan(0, len);
            var end = line.IndexOf('\n');
            if (end >= 0) line = line[..end];
            var (comma, semicolon, tab) = (line.Count(','), line.Count(';'), line.Count('\t'));
            return tab > comma && tab > semicolon ? '\t' : semicolon > comma ? ';' : ',';
        }

        void Fill()
        {
            len = ReadBlock();
            pos = 0;
            // A second byte-order mark (the reader drops the first) is not part of the first header.
            if (len > 0 && buffer[0] == '\uFEFF') pos = 1;
        }

        int Peek()
        {
            if (pos < len) return buffer[pos];
            if (len == 0) return -1;
            len = ReadBlock();
            pos = 0;
            return len == 0 ? -1 : buffer[0];
        }

        int ReadBlock()
        {
            try { return reader.Read(buffer, 0, buffer.Length); }
            catch (DecoderFallbackException e)
            {
                throw FileRefused.Unreadable("Tệp CSV không phải UTF-8. Trong Excel, hãy lưu lại bằng “CSV UTF-8 (Comma delimited)”.", e);
            }
        }

        /// <summary>Reads one record into <paramref name="cells"/>; false at the end of the file.</summary>
        bool Record(List<object?> cells, StringBuilder cell)
        {
            cells.Clear();
            if (Peek() < 0) return false;
            var chars = 0;
            while (true)
            {
                cell.Clear();
                var c = Peek();
                if (c == '"')
                {
                    // Quoted (RFC 4180): "" is a quote; separators and line breaks inside are text.
                    pos++;
                    while ((c = Peek()) >= 0)
                    {
                        pos++;
                        if (c == '"')
                        {
                            if (Peek() == '"') { pos++; cell.Append('"'); }
                            else break;
                        }
                        else cell.Append((char)c);
                        if (++chars > ImportLimits.MaxRecordChars) throw TooLong(cells.Count);
                    }
                }
                while ((c = Peek()) >= 0 && c != separator && c != '\n' && c != '\r')
                {
                    pos++;
                    cell.Append((char)c);
                    if (++chars > ImportLimits.MaxRecordChars) throw TooLong(cells.Count);
                }
                cells.Add(Pooled(cell));
                if (cells.Count > ImportLimits.MaxColumns)
                    throw FileRefused.TooLarge($"Một dòng của tệp CSV có hơn {ImportLimits.Count(ImportLimits.MaxColumns)} cột.");
                if (c == separator) { pos++; continue; }
                if (c == '\r') { pos++; if (Peek() == '\n') pos++; }
                else if (c == '\n') pos++;
                return true;
            }
        }

        static FileRefused TooLong(int cells) =>
            FileRefused.TooLarge($"Một dòng của tệp CSV dài hơn {ImportLimits.Count(ImportLimits.MaxRecordChars)} ký tự (ở cột {cells + 1}); có thể thiếu dấu ngoặc kép đóng.");

        string Pooled(StringBuilder cell)
        {
            if (cell.Length > 32) return Nfc(cell.ToString());
            var s = cell.ToString();
            if (pool.TryGetValue(s, out var shared)) return shared;
            var nfc = Nfc(s);
            if (pool.Count < 100_000) pool[s] = nfc;
            return nfc;
        }
    }

    /// <summary>Checks a workbook's zip before anything inflates it. The central directory gives each part's compressed and
    /// inflated sizes without reading the parts, and .NET stops inflating a part at the size the directory gives, so the
    /// directory cannot lie its way past this check.</summary>
    public static void CheckZip(Stream seekable, ImportLimits limits)
    {
        seekable.Position = 0;
        ZipArchive zip;
        try { zip = new ZipArchive(seekable, ZipArchiveMode.Read, leaveOpen: true); }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or NotSupportedException)
        {
            throw FileRefused.Unreadable("Tệp không phải bảng tính Excel (.xlsx) đọc được.", e);
        }
        using (zip)
        {
            if (zip.Entries.Count > ImportLimits.MaxZipEntries)
                throw FileRefused.Unreadable($"Tệp .xlsx có {ImportLimits.Count(zip.Entries.Count)} phần, quá {ImportLimits.Count(ImportLimits.MaxZipEntries)}: không phải bảng tính thông thường.");
            long total = 0;
            foreach (var e in zip.Entries)
            {
                total += e.Length;
                if (e.Length > ImportLimits.RatioCheckedFrom && e.Length / Math.Max(1, e.CompressedLength) > ImportLimits.MaxInflationRatio)
                    throw FileRefused.TooLarge($"Phần '{e.FullName}' của tệp .xlsx nén {ImportLimits.Count(e.Length / Math.Max(1, e.CompressedLength))} lần " +
                        $"({ImportLimits.Megabytes(e.CompressedLength)} thành {ImportLimits.Megabytes(e.Length)}): tệp bị từ chối trước khi đọc.");
            }
            if (total > limits.MaxInflatedBytes)
                throw FileRefused.TooLarge($"Tệp .xlsx giải nén ra {ImportLimits.Megabytes(total)}, quá giới hạn {ImportLimits.Megabytes(limits.MaxInflatedBytes)} " +
                    $"khi nhập {limits.What}: tệp bị từ chối trước khi đọc.");
        }
        seekable.Position = 0;
    }

    /// <summary>Reads the XML of one part, refusing broken XML as an unreadable file.</summary>
    internal static T Part<T>(ZipArchive zip, string path, Func<XmlReader, T> read, T missing)
    {
        var entry = zip.GetEntry(path.TrimStart('/'));
        if (entry is null) return missing;
        try
        {
            using var stream = entry.Open();
            using var xml = XmlReader.Create(stream, Xml);
            return read(xml);
        }
        catch (Exception e) when (e is XmlException or InvalidDataException or IOException)
        {
            throw FileRefused.Unreadable($"Tệp .xlsx bị hỏng (phần '{path}'): {e.Message}", e);
        }
    }

    /// <summary>A workbook that passed <see cref="CheckZip"/>: its sheets in the workbook's order (names NFC), each read
    /// row by row through MiniExcel.</summary>
    public sealed class Workbook
    {
        readonly Stream file;
        readonly ImportLimits limits;
        readonly List<(string Name, string Raw, string? Part)> sheets;

        Workbook(Stream file, ImportLimits limits, List<(string, string, string?)> sheets) => (this.file, this.limits, this.sheets) = (file, limits, sheets);

        public IReadOnlyList<string> Sheets => sheets.Select(s => s.Name).ToList();

        public bool Has(string sheet) => sheets.Any(s => s.Name == Nfc(sheet));

        public static Workbook Open(Stream file, ImportLimits limits)
        {
            var seekable = Seekable(file, limits);
            CheckZip(seekable, limits);
            using var zip = new ZipArchive(seekable, ZipArchiveMode.Read, leaveOpen: true);
            var ids = Part(zip, "xl/workbook.xml", xml =>
            {
                var list = new List<(string Name, string? Id)>();
                while (xml.Read())
                    if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "sheet" && xml.GetAttribute("name") is { } name)
                        list.Add((name, xml.GetAttribute("id", "http://schemas.openxmlformats.org/officeDocument/2006/relationships")
                            ?? xml.GetAttribute("id", "http://purl.oclc.org/ooxml/officeDocument/relationships")));
                return list;
            }, []);
            if (ids.Count == 0) throw FileRefused.Unreadable("Tệp .xlsx không có trang tính nào (thiếu xl/workbook.xml).");
            var targets = Part(zip, "xl/_rels/workbook.xml.rels", xml =>
            {
                var map = new Dictionary<string, string>();
                while (xml.Read())
                    if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "Relationship" && xml.GetAttribute("Id") is { } id && xml.GetAttribute("Target") is { } t)
                        map[id] = t.StartsWith('/') ? t.TrimStart('/') : "xl/" + t;
                return map;
            }, new Dictionary<string, string>());
            seekable.Position = 0;
            return new Workbook(seekable, limits, ids.Select(s => (Nfc(s.Name), s.Name, s.Id is null ? null : targets.GetValueOrDefault(s.Id))).ToList());
        }

        /// <summary>A sheet by name (in any normalisation), or the first; a missing sheet is an unreadable file.</summary>
        public Table Read(string? sheet = null)
        {
            var found = sheet is null ? sheets.FirstOrDefault() : sheets.FirstOrDefault(s => s.Name == Nfc(sheet));
            if (found.Raw is null) throw FileRefused.Unreadable($"Tệp .xlsx thiếu trang tính '{sheet}'.");
            var (declaredRows, declaredColumns) = Dimension(found.Part);
            if (declaredColumns > ImportLimits.MaxColumns) throw TooManyColumns(found.Name, declaredColumns);
            file.Position = 0;
            return new Table(Rows(found.Raw, found.Name), limits, declaredRows is > 1 ? declaredRows - 1 : null);
        }

        static FileRefused TooManyColumns(string sheet, int columns) =>
            FileRefused.TooLarge($"Trang tính '{sheet}' có {ImportLimits.Count(columns)} cột, quá {ImportLimits.Count(ImportLimits.MaxColumns)} cột.");

        /// <summary>The last row and column of a sheet's &lt;dimension&gt;, read from the start of its part only.</summary>
        (int? Rows, int Columns) Dimension(string? part)
        {
            if (part is null) return (null, 0);
            file.Position = 0;
            using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
            var reference = Part(zip, part, xml =>
            {
                while (xml.Read())
                {
                    if (xml.NodeType != XmlNodeType.Element) continue;
                    if (xml.LocalName == "dimension") return xml.GetAttribute("ref");
                    if (xml.LocalName == "sheetData") return null;
                }
                return null;
            }, null);
            if (reference?.Split(':') is not [_, var last]) return (null, 0);
            var letters = last.TakeWhile(char.IsAsciiLetter).Count();
            var column = 0;
            foreach (var ch in last[..letters].ToUpperInvariant()) column = column * 26 + (ch - 'A' + 1);
            return (int.TryParse(last.AsSpan(letters), NumberStyles.None, CultureInfo.InvariantCulture, out var row) ? row : null, column);
        }

        IEnumerable<SheetRow> Rows(string raw, string name)
        {
            IEnumerator<object> source;
            try { source = MiniExcel.Query(file, useHeaderRow: false, sheetName: raw, excelType: ExcelType.XLSX, configuration: Reading).GetEnumerator(); }
            catch (Exception e) when (Unreadable(e)) { throw Broken(e); }
            using (source)
            {
                var number = 0;
                while (true)
                {
                    IDictionary<string, object?> cells;
                    try
                    {
                        if (!source.MoveNext()) yield break;
                        cells = (IDictionary<string, object?>)source.Current;
                    }
                    catch (Exception e) when (Unreadable(e)) { throw Broken(e); }
                    if (++number > ExcelMaxRow) throw FileRefused.Unreadable($"Trang tính '{name}' có dòng số lớn hơn {ImportLimits.Count(ExcelMaxRow)}: không phải bảng tính thông thường.");
                    if (cells.Count > ImportLimits.MaxColumns) throw TooManyColumns(name, cells.Count);
                    var row = new object?[cells.Count];
                    var i = 0;
                    foreach (var v in cells.Values) row[i++] = v is string s ? Nfc(s) : v;
                    yield return new SheetRow(number, row);
                }
            }
        }

        static bool Unreadable(Exception e) => e is not (FileRefused or OutOfMemoryException or OperationCanceledException);

        static FileRefused Broken(Exception e) => e as FileRefused ?? FileRefused.Unreadable($"Tệp .xlsx bị hỏng, không đọc được: {e.Message}", e);
    }
}
