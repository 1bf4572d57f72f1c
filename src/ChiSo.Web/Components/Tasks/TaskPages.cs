using System.Globalization;
using ChiSo.Data;
using ChiSo.Features.Plans;
using ChiSo.Features.Units;
using Microsoft.EntityFrameworkCore;

namespace ChiSo.Web.Components.Tasks;

/// <summary>What the task pages share: dates in the address are yyyy-mm-dd.</summary>
public static class TaskPages
{
    public static DateOnly? ParseDate(string? s) =>
        DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    /// <summary>A task's page, keeping the day the list was read as of.</summary>
    public static string Href(int taskId, string? asOf = null) =>
        $"/tasks/{taskId}" + (ParseDate(asOf) is { } d ? $"?asOf={d:yyyy-MM-dd}" : "");

    public static Task<List<Plan>> PlansAsync(ChiSoDb db) =>
        db.Plans.AsNoTracking().OrderByDescending(p => p.Year).ThenBy(p => p.Id).ToListAsync();

    public static async Task<List<Unit>> UnitsAsync(ChiSoDb db) =>
        (await db.Units.AsNoTracking().ToListAsync()).OrderBy(u => u.Name, StringComparer.Create(ViText.Vi, false)).ToList();
}
