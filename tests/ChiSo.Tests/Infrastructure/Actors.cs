using ChiSo.Features.Accounts;

namespace ChiSo.Tests.Infrastructure;

/// <summary>Who a test acts as when it calls a service directly: the services decide from an <see cref="Actor"/>.</summary>
public static class Actors
{
    /// <summary>The standing agency, named as the audit log will name it.</summary>
    public static Actor Admin(string name = "kiem.thu") => new(name, name, new HashSet<string> { Roles.Admin }, null);

    public static Actor Of(string role, int? unitId = null, string? name = null) =>
        new(name ?? role, name ?? role, new HashSet<string> { role }, unitId);
}
