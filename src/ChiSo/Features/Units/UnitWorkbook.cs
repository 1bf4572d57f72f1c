using System.Globalization;
using ChiSo.Features.Accounts;
using ChiSo.Features.Files;

namespace ChiSo.Features.Units;

/// <summary>The registry from Excel: a sheet "Đơn vị" (one unit a row) and a sheet "Kế thừa" (one succession a row),
/// either or both. Read through the bounded reader, turned into a <see cref="UnitsDocument"/> and written by
/// <see cref="UnitImporter"/>: all or nothing, every problem with its sheet and row.</summary>
public sealed class UnitWorkbook(UnitImporter importer)
{
    public const string UnitsSheet = "Đơn vị", SuccessionsSheet = "Kế thừa";

    public static readonly ImportLimits Limits = ImportLimits.UnitsWorkbook;

    /// <summary>The problems (the first 1,000), or none when the workbook was written.</summary>
    public async Task<IReadOnlyList<string>> ImportAsync(Stream file, Actor actor, CancellationToken ct = default)
    {
        actor.Require(UnitImporter.MayEdit(actor), "Chỉ cơ quan thường trực (Sở Nội vụ) được sửa danh mục tổ chức.");
        var book = ImportedFiles.Workbook.Open(file, Limits);
        if (!book.Has(UnitsSheet) && !book.Has(SuccessionsSheet))
            return [$"Tệp cần trang tính '{UnitsSheet}' hoặc '{SuccessionsSheet}' (có: {string.Join(", ", book.Sheets)})."];
        var problems = new List<string>();
        var units = new List<UnitDocument>();
        var successions = new List<UnitSuccessionDocument>();

        if (book.Has(UnitsSheet))
        {
            using var t = book.Read(UnitsSheet);
            var c = new Columns(t, UnitsSheet, problems);
            var (code, name, kind, sub, parent, from, to, shortName, en, aliases) = (c["Mã"], c["Tên"], c["Loại"], c.Optional("Phường/xã"),
                c.Optional("Cấp trên"), c.Optional("Từ ngày"), c.Optional("Đến ngày"), c.Optional("Tên viết tắt"), c.Optional("Tên tiếng Anh"),
                c.Optional("Tên gọi khác"));
            if (c.Complete)
                foreach (var r in t.Rows)
                {
                    var at = $"Trang '{UnitsSheet}', dòng {r.Number}";
                    units.Add(new UnitDocument
                    {
                        Code = Cell(r, code)?.ToUpperInvariant() ?? "", Name = Cell(r, name) ?? "", Kind = KindKey(Cell(r, kind)),
                        Subkind = SubkindKey(Cell(r, sub), at, problems), Parent = Cell(r, parent)?.ToUpperInvariant(),
                        ValidFrom = Date(r, from, at, problems), ValidTo = Date(r, to, at, problems),
                        ShortName = Cell(r, shortName), NameEn = Cell(r, en),
                        Aliases = Cell(r, aliases)?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList() ?? [],
                    });
                    if (units[^1].Code.Length == 0 || units[^1].Name.Length == 0) problems.Add($"{at}: thiếu mã hoặc tên đơn vị.");
                }
        }
        if (book.Has(SuccessionsSheet))
        {
            using var t = book.Read(SuccessionsSheet);
            var c = new Columns(t, SuccessionsSheet, problems);
            var (from, to, date, reference, referenceDate, share, note) = (c["Đơn vị trước"], c["Đơn vị sau"], c["Từ ngày"], c["Văn bản"],
                c.Optional("Ngày văn bản"), c.Optional("Phần chuyển giao"), c.Optional("Ghi chú"));
            if (c.Complete)
                foreach (var r in t.Rows)
                {
                    var at = $"Trang '{SuccessionsSheet}', dòng {r.Number}";
                    var day = Date(r, date, at, problems);
                    if (day is null) problems.Add($"{at}: thiếu ngày kế thừa.");
                    successions.Add(new UnitSuccessionDocument
                    {
                        From = Cell(r, from)?.ToUpperInvariant() ?? "", To = Cell(r, to)?.ToUpperInvariant() ?? "", Date = day ?? default,
                        Reference = Cell(r, reference) ?? "", ReferenceDate = Date(r, referenceDate, at, problems), Share = Cell(r, share),
                        Note = Cell(r, note), Row = at,
                    });
                }
        }
        if (problems.Count > 0) return problems.Count > ProblemRows<string>.Shown
            ? [.. problems.Take(ProblemRows<string>.Shown), ProblemRows.More(problems.Count - ProblemRows<string>.Shown)] : problems;
        return await importer.ImportAsync(new UnitsDocument { Units = units, Successions = successions }, actor, ct);
    }

    /// <summary>A sheet's columns by their Vietnamese headings; a missing required one is a problem of the sheet.</summary>
    sealed class Columns(Table t, string sheet, List<string> problems)
    {
        public bool Complete { get; private set; } = true;

        public int this[string heading]
        {
            get
            {
                var i = t.Column(heading);
                if (i < 0) { problems.Add($"Trang '{sheet}' thiếu cột '{heading}'."); Complete = false; }
                return i;
            }
        }

        public int Optional(string heading) => t.Column(heading);
    }

    static string? Cell(SheetRow r, int column) =>
        column < 0 ? null : ImportedFiles.Text(r[column])?.Trim() is { Length: > 0 } s ? s : null;

    static DateOnly? Date(SheetRow r, int column, string at, List<string> problems)
    {
        if (Cell(r, column) is not { } text) return null;
        if (ViText.TryParseDate(text, out var d)) return d;
        problems.Add($"{at}: ngày '{text}' không hợp lệ (dd/mm/yyyy).");
        return null;
    }

    /// <summary>The kind as its key ("commune") or as the page shows it ("Xã, phường, thị trấn").</summary>
    static string KindKey(string? text) =>
        text is null ? "" : Enum.GetValues<UnitKind>().FirstOrDefault(k => string.Equals(k.Vietnamese(), text, StringComparison.OrdinalIgnoreCase)) is var k
            && string.Equals(k.Vietnamese(), text, StringComparison.OrdinalIgnoreCase) ? k.Key() : text.ToLowerInvariant();

    static string? SubkindKey(string? text, string at, List<string> problems)
    {
        if (text is null) return null;
        var key = UnitKinds.Subkinds.FirstOrDefault(s => string.Equals(s, text, StringComparison.OrdinalIgnoreCase)
            || string.Equals(UnitKinds.SubkindVietnamese(s), text, StringComparison.OrdinalIgnoreCase));
        if (key is null) problems.Add($"{at}: '{text}' không phải 'Phường' hay 'Xã'.");
        return key;
    }
}
