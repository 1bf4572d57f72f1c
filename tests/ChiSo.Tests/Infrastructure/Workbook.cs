using System.Globalization;
using MiniExcelLibs;

namespace ChiSo.Tests.Infrastructure;

/// <summary>An exported appendix workbook opened as rows of cells, so a test can break a cell and save it again.</summary>
public sealed class Workbook
{
    public const string Table = "Phụ lục", Info = "Thông tin";

    public List<Dictionary<string, object?>> Rows { get; }
    public List<Dictionary<string, object?>> InfoRows { get; }

    Workbook(List<Dictionary<string, object?>> rows, List<Dictionary<string, object?>> info) => (Rows, InfoRows) = (rows, info);

    public static Workbook Open(Stream xlsx)
    {
        List<Dictionary<string, object?>> Sheet(string name) => xlsx.Query(useHeaderRow: true, sheetName: name)
            .Cast<IDictionary<string, object?>>().Select(r => new Dictionary<string, object?>(r)).ToList();
        return new Workbook(Sheet(Table), Sheet(Info));
    }

    public static Workbook Open(byte[] xlsx) => Open(new MemoryStream(xlsx));

    public MemoryStream Save()
    {
        var xlsx = new MemoryStream();
        xlsx.SaveAs(new Dictionary<string, object> { [Table] = Rows, [Info] = InfoRows });
        xlsx.Position = 0;
        return xlsx;
    }

    /// <summary>The sheet row (as Excel numbers it, under one header row) of a criterion.</summary>
    public int RowOf(string code)
    {
        var i = Rows.FindIndex(r => Text(r["STT"]) == code);
        Assert.True(i >= 0, $"No row {code}.");
        return i + 2;
    }

    public Dictionary<string, object?> this[string code] => Rows[RowOf(code) - 2];

    public static string? Text(object? cell) => cell switch
    {
        null => null,
        double d => d.ToString(CultureInfo.InvariantCulture),
        _ => cell.ToString(),
    };

    public static decimal? Number(object? cell) => cell switch
    {
        null => null,
        double d => (decimal)d,
        decimal m => m,
        _ => decimal.Parse(cell.ToString()!, CultureInfo.InvariantCulture),
    };
}
