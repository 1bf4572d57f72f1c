using ChiSo.Features.Units;
using Microsoft.AspNetCore.Identity;

namespace ChiSo.Features.Accounts;

/// <summary>A person who signs in: staff of the standing agency, a unit's editor or head, an appraiser, the survey
/// institute, a leader. Unit users belong to one unit and see only its assessment until publication.</summary>
public sealed class ChiSoUser : IdentityUser
{
    public required string DisplayName { get; set; }
    public int? UnitId { get; set; }
    public Unit? Unit { get; set; }
}
