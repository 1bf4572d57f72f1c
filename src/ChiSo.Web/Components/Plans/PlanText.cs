using ChiSo.Features.Plans;
using MudBlazor;

namespace ChiSo.Web.Components.Plans;

/// <summary>How plan values read on the plan screens, in the reader's language.</summary>
public static class PlanText
{
    public static string Kind(PlanKind k) => k switch
    {
        PlanKind.IndexImprovement => L.T("Nâng cao chỉ số", "Index improvement"),
        PlanKind.AnnualPar => L.T("Kế hoạch CCHC năm", "Annual PAR plan"),
        _ => L.T("Kế hoạch của đơn vị", "Unit plan"),
    };

    public static string Status(PlanStatus s) => s == PlanStatus.Draft ? L.T("Dự thảo", "Draft") : L.T("Đã ban hành", "Issued");

    public static string Target(TargetStatus? s) => s switch
    {
        TargetStatus.Met => L.T("Đạt", "Met"),
        TargetStatus.NotMet => L.T("Chưa đạt", "Not met"),
        TargetStatus.AtRisk => L.T("Có nguy cơ", "At risk"),
        _ => L.T("Không đo", "Not measured"),
    };

    public static Color TargetColor(TargetStatus? s) => s switch
    {
        TargetStatus.Met => Color.Success,
        TargetStatus.NotMet => Color.Error,
        TargetStatus.AtRisk => Color.Warning,
        _ => Color.Default,
    };

    public static string Period(ReportingPeriodKind p) => p switch
    {
        ReportingPeriodKind.Q1 => L.T("Quý I", "Q1"),
        ReportingPeriodKind.H1 => L.T("6 tháng", "6 months"),
        ReportingPeriodKind.Q3 => L.T("9 tháng", "9 months"),
        _ => L.T("Năm", "Year"),
    };

    public static string Agencies(IEnumerable<AgencyLine> agencies) => string.Join("; ", agencies.Select(a => a.Name));
}
