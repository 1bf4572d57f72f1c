
namespace ChiSo.Features.Surveys;

/// <summary>A round's scores as a workbook: every unit × group × question figure, the criteria (sociological survey)
/// and the SIPAS components and areas. Headers are Vietnamese, as the institute's tables are.</summary>
public static class ScoringExcel
{
    public const string QuestionsSheet = "Theo câu hỏi";
    public const string CriteriaSheet = "Theo tiêu chí";
    public const string SipasSheet = "SIPAS";
    /// <summary>The plan counts respondents, and so does the warning (the answer counts are columns of their own).</summary>
    const string Below = "Số phiếu dưới chỉ tiêu mẫu";

    public static void Write(RoundScores scores, Stream output)
    {
        var questions = scores.Units.SelectMany(u => u.Groups.SelectMany(g => g.Questions.Select(q => new Dictionary<string, object?>
        {
            ["Đơn vị"] = u.Code, ["Tên đơn vị"] = u.Name, ["Nhóm"] = g.Code, ["Câu hỏi"] = q.Code, ["Tiêu chí"] = q.CriterionCode, ["Tên tiêu chí"] = q.CriterionName,
            ["Số phiếu trả lời câu"] = q.Mean.Respondents, ["Trung bình"] = q.Mean.Value, ["TB ±"] = q.Mean.Margin, ["TB thấp"] = q.Mean.Low, ["TB cao"] = q.Mean.High,
            ["% hài lòng"] = q.Satisfied.Value, ["% ±"] = q.Satisfied.Margin, ["Chỉ tiêu mẫu"] = g.Planned,
            ["Cảnh báo"] = q.Mean.Warning ? Below : null,
        }))).ToList();
        var criteria = scores.Units.SelectMany(u => u.Criteria.Select(c => new Dictionary<string, object?>
        {
            ["Đơn vị"] = u.Code, ["Tên đơn vị"] = u.Name, ["Tiêu chí"] = c.Code, ["Tên tiêu chí"] = c.Name, ["Điểm tối đa"] = c.Max,
            ["Điểm"] = c.Points, ["±"] = c.Margin, ["Số phiếu"] = c.Respondents, ["Số câu trả lời"] = c.N,
            ["Số nhóm"] = c.Groups, ["Cảnh báo"] = c.Warning ? Below : null,
        })).ToList();
        var sipas = scores.Units.Where(u => u.Sipas is not null)
            .Select(u => (u.Code, u.Name, S: u.Sipas!))
            .Concat(scores.City is { } city ? [("TP", "Toàn thành phố", city)] : [])
            .SelectMany(x => x.S.Areas.Select(a => ("Lĩnh vực", a)).Concat(x.S.Components.Select(c => ("Thành phần", c)))
                .Append(("Chung", new SipasLine("", "Chỉ số SIPAS", x.S.Overall)))
                .Select(l => new Dictionary<string, object?>
                {
                    ["Đơn vị"] = x.Code, ["Tên đơn vị"] = x.Name, ["Cấp"] = l.Item1, ["Mã"] = l.Item2.Code, ["Tên"] = l.Item2.Name,
                    ["Số phiếu"] = l.Item2.Percent.Respondents, ["Số câu trả lời"] = l.Item2.Percent.N, ["Chỉ tiêu mẫu"] = l.Item2.Percent.Planned, ["% hài lòng"] = l.Item2.Percent.Value, ["±"] = l.Item2.Percent.Margin,
                    ["Cảnh báo"] = l.Item2.Percent.Warning ? Below : null,
                })).ToList();
        output.WriteXlsx(new Dictionary<string, object>
        {
            [QuestionsSheet] = questions, [CriteriaSheet] = criteria, [SipasSheet] = sipas,
        });
    }
}
