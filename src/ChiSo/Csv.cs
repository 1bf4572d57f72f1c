using System.Text;

namespace ChiSo;

/// <summary>The one way ChiSo writes CSV (token lists, the report of a refused paper batch): UTF-8 with a byte-order mark
/// so Excel reads Vietnamese, CRLF, RFC 4180 quoting, and every cell that a spreadsheet would run as a formula (starting
/// with = + - @, a tab or a carriage return) neutralised with a leading apostrophe, as OWASP advises against CSV injection.
/// A refused row can carry whatever a typist or an attacker put in a cell, such as <c>=HYPERLINK("http://x")</c>.</summary>
public sealed class Csv
{
    readonly StringBuilder text = new("\uFEFF");

    public Csv(params string?[] header) => Row(header);

    public Csv Row(params string?[] cells)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0) text.Append(',');
            text.Append(Cell(cells[i]));
        }
        text.Append("\r\n");
        return this;
    }

    public override string ToString() => text.ToString();

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(text.ToString());

    /// <summary>A <c>data:</c> link a page can offer for download, so nothing is stored on the server.</summary>
    public string DataUrl() => "data:text/csv;charset=utf-8;base64," + Convert.ToBase64String(ToBytes());

    /// <summary>One cell: neutralised if a spreadsheet would read it as a formula, quoted if it holds a separator, a quote
    /// or a line break.</summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.AsSpan().IndexOfAny(",\";\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
