using ChiSo.Features.Audit;

namespace ChiSo.Features.Reports;

/// <summary>The consolidated report as a workbook: one sheet each for filing status, KPI values and task
/// statuses, with Vietnamese headers, for the standing agency's own sums and filters.</summary>
public static class ReportExcel
{
    public const string Filing = "Tình hình nộp", Kpis = "Chỉ tiêu", Tasks = "Nhiệm vụ";

    public static void Write(Consolidation c, Stream stream)
    {
        var filing = c.Filing.Rows.Select((r, i) => new Dictionary<string, object?>
        {
            ["TT"] = i + 1,
            ["Mã"] = r.Unit,
            ["Đơn vị"] = r.Name,
            ["Tình trạng"] = r.Status switch { ReportStates.Submitted => "Đã gửi", ReportStates.Draft => "Đang soạn", _ => "Chưa lập" },
            ["Chậm gửi"] = r.Late || r.SubmittedLate ? "Có" : "",
            ["Ngày gửi"] = r.SubmittedAt is { } at ? ViText.Date(DateOnly.FromDateTime(at.AddHours(7))) : "",
            ["Báo cáo chuyên đề đã gửi"] = string.Join("; ", r.ThematicSubmitted.Select(a => ReformAreas.Find(a)?.Name ?? a)),
        }).ToList();
        var kpis = c.Kpis.Select((k, i) => new Dictionary<string, object?>
        {
            ["TT"] = i + 1,
            ["Đơn vị"] = k.Unit,
            ["Kế hoạch"] = k.Kpi.Plan,
            ["Chỉ tiêu"] = k.Kpi.Metric,
            ["So sánh"] = k.Kpi.Comparator,
            ["Mục tiêu"] = k.Kpi.Threshold,
            ["Đơn vị tính"] = k.Kpi.Unit,
            ["Kết quả"] = k.Kpi.Value,
            ["Đánh giá"] = k.Kpi.Met switch { true => "Đạt", false => "Chưa đạt", _ => "" },
        }).ToList();
        var tasks = c.Tasks.Select((t, i) => new Dictionary<string, object?>
        {
            ["TT"] = i + 1,
            ["Đơn vị chủ trì"] = t.Unit,
            ["Kế hoạch"] = t.Task.Plan,
            ["Số"] = t.Task.Number,
            ["Nhiệm vụ"] = t.Task.Description,
            ["Thời hạn"] = t.Task.DeadlineText,
            ["Hạn"] = ViText.Date(t.Task.Due),
            ["Tình trạng"] = ReportStates.Vietnamese(t.Task.Status),
            ["Tiến độ (%)"] = t.Task.Percent,
            ["Cập nhật ngày"] = ViText.Date(t.Task.UpdatedOn),
            ["Quá hạn"] = t.Task.Overdue ? "Có" : "",
        }).ToList();
        var sheets = new Dictionary<string, object> { [Filing] = filing, [Kpis] = kpis, [Tasks] = tasks };
        if (c.AuditHead is { } head) sheets[AuditHead.Sheet] = head.SheetRows();
        stream.WriteXlsx(sheets);
    }
}
