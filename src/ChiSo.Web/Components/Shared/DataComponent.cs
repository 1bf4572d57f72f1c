using ChiSo.Data;
using ChiSo.Features.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace ChiSo.Web.Components.Shared;

/// <summary>A page that reads the database: each load gets its own scope and DbContext, because an
/// interactive circuit lives far longer than a DbContext should.</summary>
public abstract class DataComponent : ComponentBase
{
    [Inject] IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] IAuthorizationService Authorization { get; set; } = default!;
    [Inject] ISnackbar Snackbar { get; set; } = default!;
    [CascadingParameter] protected Task<AuthenticationState>? AuthState { get; set; }

    /// <summary>Page writes go through the services, not the API, so each write checks the policy the API would: true
    /// (and a message) when the signed-in user may not.</summary>
    protected async Task<bool> DeniedAsync(string policy)
    {
        if (await MayAsync(policy)) return false;
        Snackbar.Add(L.T("Tài khoản của bạn không có quyền làm việc này.", "Your account may not do this."), Severity.Warning);
        return true;
    }

    /// <summary>Whether the signed-in user may do what the policy guards: pages show the controls of a write only to those
    /// who may make it (the write checks again, <see cref="DeniedAsync"/>).</summary>
    protected async Task<bool> MayAsync(string policy) =>
        AuthState is not null && (await Authorization.AuthorizeAsync((await AuthState).User, policy)).Succeeded;

    /// <summary>The signed-in user as the audit log names them.</summary>
    protected async Task<string> WhoAsync() => AuthState is null ? "?" : Who.Of((await AuthState).User) ?? "?";

    protected async Task<T> Query<T>(Func<ChiSoDb, IServiceProvider, Task<T>> work)
    {
        await using var scope = Scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ChiSoDb>(), scope.ServiceProvider);
    }

    protected Task<T> Query<T>(Func<ChiSoDb, Task<T>> work) => Query((db, _) => work(db));
}
