using System.Globalization;
using ChiSo.Features.Frameworks;
using DocumentFormat.OpenXml.Wordprocessing;
using static ChiSo.Features.Reports.ReportWord;

namespace ChiSo.Features.Assessments;

/// <summary>The assessment's Word documents in the administrative layout of <see cref="Reports.ReportWord"/>:
/// a unit's scorecard (phiếu kết quả) and the ranking as the appendix to the city's decision.</summary>
public static class AssessmentWord
{
    const string ProvisionalText = "TẠM TÍNH — kết quả chưa được công bố, có thể còn thay đổi";

    public static void WriteScorecard(Scorecard s, DateOnly issuedOn, Stream stream) => WriteDocument(stream, body =>
    {
        var a = s.Assessment;
        body.Append(Header(issuedOn, "Số:        /PKQ-SNV"));
        if (s.Provisional) body.Append(Para(JustificationValues.Center, 240, 0, null, Run(ProvisionalText, bold: true, italic: true)));
        body.Append(Para(JustificationValues.Center, 240, 0, null, Run("PHIẾU KẾT QUẢ", bold: true)));
        body.Append(Para(JustificationValues.Center, 0, 0, null, Run($"Chỉ số cải cách hành chính năm {a.Year}", bold: true)));
        body.Append(Para(JustificationValues.Center, 0, 240, null, Run(a.UnitName, bold: true)));

        body.Append(Text($"Kỳ đánh giá: {a.CycleName}. Nhóm xếp hạng: {a.Group}."));
        body.Append(Text($"Bộ chỉ số: {s.FrameworkName}, phiên bản {s.Version}."));
        body.Append(Text(s.CouncilReference is null
            ? "Hội đồng thẩm định chưa chốt kết quả."
            : $"Kết quả đã được Hội đồng thẩm định chốt theo {s.CouncilReference}" + (s.CouncilDate is { } d ? $" ngày {ViText.Date(d)}." : ".")));

        body.Append(Heading("I. KẾT QUẢ TỔNG HỢP"));
        body.Append(DataTable([600, 5271, 3200], ["TT", "Nội dung", "Kết quả"],
            Summary(s).Select((x, i) => new[] { (i + 1).ToString(CultureInfo.InvariantCulture), x.Label, x.Value }),
            centered: i => i != 1));

        body.Append(Heading("II. ĐIỂM THEO TIÊU CHÍ"));
        var fields = new HashSet<string[]>();
        var rows = s.Lines.Select(l =>
        {
            var row = LineCells(l);
            if (!l.IsLeaf) fields.Add(row);
            return row;
        }).ToList();
        body.Append(DataTable([700, 2571, 800, 850, 900, 900, 850, 1500],
            ["Mã", "Tiêu chí", "Tối đa", "Tự chấm", "Thẩm định", "Điểm chính thức", "Điểm bị mất", "So với năm trước"],
            rows, centered: i => i != 1, bold: fields.Contains));
        body.Append(Text("Điểm chính thức: điểm Hội đồng chốt (hoặc điểm thẩm định, điểm tự chấm khi chưa có), điểm điều tra xã hội học " +
            "với tiêu chí chấm qua điều tra (XHH). So với năm trước: chênh lệch với điểm đã công bố năm " +
            $"{a.Year - 1} của cùng tiêu chí (theo bảng đối chiếu tiêu chí giữa các phiên bản).", italic: true));

        body.Append(Closing([a.UnitName + ";", "UBND Thành phố (để báo cáo);", "Lưu: VT, CCHC."]));
    });

    /// <summary>The totals block of a scorecard, shared by the Word and PDF versions.</summary>
    public static List<(string Label, string Value)> Summary(Scorecard s)
    {
        var t = s.Assessment.Totals;
        return
        [
            ("Điểm thẩm định", ViText.Num(t.Appraisal)),
            ("Điểm điều tra xã hội học", ViText.Num(t.Survey)),
            ("Điểm thưởng", ViText.Num(t.Bonus)),
            ("Điểm trừ", ViText.Num(t.Penalty)),
            ("Tổng điểm", ViText.Num(t.Total)),
            ("Điểm tối đa (các tiêu chí áp dụng)", ViText.Num(t.Max)),
            ("Tỷ lệ", ViText.Num(t.Percent) + " %"),
            ("Xếp hạng trong nhóm", s.Rank is null ? "Chưa công bố" : s.RankText),
            ("Xếp loại", s.Band),
            ("Thay đổi tổng điểm so với năm trước", s.PreviousTotal is null ? "Chưa có kết quả năm trước" : $"{ViText.Change(s.Change)} (năm trước {ViText.Num(s.PreviousTotal)})"),
        ];
    }

    /// <summary>A criterion's cells: code, name, max, self, appraised, official points, points lost, change.</summary>
    public static string[] LineCells(ScorecardLine l) =>
    [
        l.Code,
        l.Name + (l.IsLeaf && l.Method == ScoringMethod.Survey ? " (XHH)" : "") + (l.Kind == CriterionKind.Bonus && !l.IsLeaf ? " (điểm thưởng)" : "")
            + (l.Kind == CriterionKind.Penalty && !l.IsLeaf ? " (điểm trừ)" : ""),
        ViText.Num(l.Max),
        l.Method == ScoringMethod.Survey && l.IsLeaf ? "—" : ViText.Num(l.Self),
        l.Method == ScoringMethod.Survey && l.IsLeaf ? "—" : ViText.Num(l.Appraised),
        l.NotApplicable ? "Không áp dụng" : ViText.Num(l.Points),
        ViText.Num(l.Lost),
        ViText.Change(l.Change),
    ];

    /// <summary>"BẢNG XẾP HẠNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM …" as the appendix to the decision that publishes it: one
    /// table per group, landscape.</summary>
    public static void WriteRanking(Ranking r, Stream stream) => WriteDocument(stream, body =>
    {
        body.Append(Para(JustificationValues.Center, 0, 0, null, Run("PHỤ LỤC", bold: true)));
        body.Append(Para(JustificationValues.Center, 0, 0, null, Run($"BẢNG XẾP HẠNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {r.Year}", bold: true)));
        body.Append(Para(JustificationValues.Center, 0, 240, null,
            Run("(Kèm theo Quyết định số        /QĐ-UBND ngày     tháng     năm        của Ủy ban nhân dân Thành phố Hà Nội)", italic: true, size: Small)));
        if (r.Provisional) body.Append(Para(JustificationValues.Center, 0, 120, null, Run(ProvisionalText, bold: true, italic: true)));
        if (r.CouncilReference is not null) body.Append(Text($"Căn cứ kết quả thẩm định đã được Hội đồng chốt theo {r.CouncilReference}.", italic: true));
        var n = 0;
        foreach (var g in r.Groups)
        {
            body.Append(Heading($"{ToRoman(++n)}. {g.Name.ToUpper(ViText.Vi)}"));
            body.Append(DataTable([1100, 3203, 1200, 1200, 1200, 1200, 1200, 1100, 1200, 1400],
                ["Hạng", "Đơn vị", "Điểm thẩm định", "Điểm điều tra XHH", "Điểm thưởng", "Điểm trừ", "Tổng điểm", "Tỷ lệ %", "Xếp loại", "Thay đổi so với năm trước"],
                g.Rows.Select(x => new[]
                {
                    x.RankText, x.UnitName, ViText.Num(x.Totals.Appraisal), ViText.Num(x.Totals.Survey), ViText.Num(x.Totals.Bonus),
                    ViText.Num(x.Totals.Penalty), ViText.Num(x.Totals.Total), ViText.Num(x.Totals.Percent), x.Band, ViText.Change(x.Change),
                }), centered: i => i != 1));
        }
        if (r.AuditHead is { } head) body.Append(AuditLine(head));
    }, landscape: true);

    static string ToRoman(int n) => n switch { 1 => "I", 2 => "II", 3 => "III", 4 => "IV", 5 => "V", 6 => "VI", 7 => "VII", 8 => "VIII", 9 => "IX", _ => n.ToString(CultureInfo.InvariantCulture) };
}
