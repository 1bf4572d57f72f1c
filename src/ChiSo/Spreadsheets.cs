using MiniExcelLibs;
using MiniExcelLibs.OpenXml;

namespace ChiSo;

/// <summary>The one way ChiSo writes a workbook: sheets by name, columns wide enough to read the Vietnamese
/// headers when the file opens in Excel or LibreOffice.</summary>
public static class Spreadsheets
{
    static readonly OpenXmlConfiguration Readable = new() { EnableAutoWidth = true, FastMode = true };

    public static void WriteXlsx(this Stream output, IDictionary<string, object> sheets) =>
        output.SaveAs(sheets, configuration: Readable);
}
