using System.Globalization;

namespace ChiSo.Web.Components.Tasks;

/// <summary>What the task pages share: dates in the address are yyyy-mm-dd.</summary>
public static class TaskPages
{
    public static DateOnly? ParseDate(string? s) =>
        DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
}
