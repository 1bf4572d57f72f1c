using ChiSo.Features.Audit;

namespace ChiSo.Features.Assessments;

/// <summary>The ranking and the heat map as workbooks (through <see cref="Spreadsheets.WriteXlsx"/>): one sheet per
/// group, numbers as numbers so the standing agency can sort and sum.</summary>
public static class AssessmentExcel
{
    public static void WriteRanking(Ranking r, Stream stream)
    {
        var sheets = new Dictionary<string, object>();
        foreach (var g in r.Groups)
            sheets[SheetName(g.Name, sheets.Keys)] = g.Rows.Select(x => new Dictionary<string, object?>
            {
                ["Hạng"] = x.Rank,
                ["Đơn vị"] = x.UnitName,
                ["Điểm thẩm định"] = x.Totals.Appraisal,
                ["Điểm điều tra XHH"] = x.Totals.Survey,
                ["Điểm thưởng"] = x.Totals.Bonus,
                ["Điểm trừ"] = x.Totals.Penalty,
                ["Tổng điểm"] = x.Totals.Total,
                ["Tỷ lệ %"] = x.Totals.Percent,
                ["Xếp loại"] = x.Band,
                ["Thay đổi so với năm trước"] = x.Change,
                ["Ghi chú"] = string.Join("; ", new[] { x.Tied ? "đồng hạng" : null, r.Provisional ? "tạm tính" : null }.Where(t => t is not null)),
            }).ToList();
        if (r.AuditHead is { } head) sheets[AuditHead.Sheet] = head.SheetRows();
        stream.WriteXlsx(sheets);
    }

    /// <summary>Units (rows, best first) × standard criteria (columns, by code) of points lost, each unit's total lost,
    /// and a closing row with each criterion's total across units.</summary>
    public static void WriteHeatMap(IReadOnlyList<HeatMap> maps, Stream stream)
    {
        var sheets = new Dictionary<string, object>();
        foreach (var m in maps)
        {
            var rows = m.Rows.Select(row =>
            {
                var d = new Dictionary<string, object?> { ["Đơn vị"] = row.UnitName, ["Tỷ lệ %"] = row.Percent };
                foreach (var (c, cell) in m.Columns.Zip(row.Cells)) d[c.Code] = cell.Lost;
                d["Tổng điểm bị mất"] = row.Cells.Sum(c => c.Lost ?? 0);
                return d;
            }).ToList();
            var total = new Dictionary<string, object?> { ["Đơn vị"] = "Tổng", ["Tỷ lệ %"] = null };
            foreach (var c in m.Columns) total[c.Code] = c.LostTotal;
            total["Tổng điểm bị mất"] = m.Columns.Sum(c => c.LostTotal);
            rows.Add(total);
            sheets[SheetName(m.Group, sheets.Keys)] = rows;
        }
        stream.WriteXlsx(sheets);
    }

    /// <summary>Excel's rules for a sheet name: at most 31 characters, none of : \ / ? * [ ], unique.</summary>
    static string SheetName(string name, IEnumerable<string> taken)
    {
        var clean = new string([.. name.Select(ch => ch is ':' or '\\' or '/' or '?' or '*' or '[' or ']' ? ' ' : ch)]).Trim();
        if (clean.Length == 0) clean = "Nhóm";
        if (clean.Length > 31) clean = clean[..31].Trim();
        var result = clean;
        for (var i = 2; taken.Contains(result, StringComparer.OrdinalIgnoreCase); i++)
            result = (clean.Length > 27 ? clean[..27] : clean) + $" ({i})";
        return result;
    }
}
