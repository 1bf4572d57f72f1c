using ChiSo.Features.Accounts;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace ChiSo.Web.Components.Accounts;

/// <summary>An open interactive page has no cookie to send: every few seconds its circuit asks the database whether the
/// session it was opened with still holds, and becomes anonymous (so the page goes to the login) when it does not.</summary>
public sealed class SessionRevalidator(ILoggerFactory logs, AuthSessions sessions) : RevalidatingServerAuthenticationStateProvider(logs)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override TimeSpan RevalidationInterval => Interval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken cancellationToken) =>
        state.User.Identity?.IsAuthenticated != true || await sessions.IsActiveAsync(state.User, cancellationToken);
}
