using ChiSo.Data;
using ChiSo.Features.Accounts;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace ChiSo.Web.Components.Shared;

/// <summary>A page that reads the database: each load gets its own scope and DbContext, because an
/// interactive circuit lives far longer than a DbContext should.</summary>
public abstract class DataComponent : ComponentBase
{
    [Inject] IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] ISnackbar Snackbar { get; set; } = default!;
    [CascadingParameter] protected Task<AuthenticationState>? AuthState { get; set; }

    /// <summary>The signed-in user as the services see them (<see cref="Actor.Anonymous"/> when nobody is), known before the
    /// page's own lifecycle runs, so markup can show a control only to whom the service's rule allows it.</summary>
    protected Actor Actor { get; private set; } = Actor.Anonymous;

    protected bool SignedIn => Actor.IsSignedIn;

    public override async Task SetParametersAsync(ParameterView parameters)
    {
        parameters.SetParameterProperties(this);
        Actor = AuthState is null ? Actor.Anonymous : Actor.From((await AuthState).User);
        await base.SetParametersAsync(ParameterView.Empty);
    }

    /// <summary>Runs a page's change through the services as the signed-in user. The service decides whether they may;
    /// a refusal (the controls are hidden from those who may not, so this is a race or a forged event) becomes a
    /// message instead of a broken circuit. False when refused.</summary>
    protected async Task<bool> Write(Func<ChiSoDb, IServiceProvider, Actor, Task> work)
    {
        var actor = Actor;
        try
        {
            await Query(async (db, sp) => { await work(db, sp, actor); return true; });
            return true;
        }
        catch (AccessDenied denied)
        {
            Snackbar.Add(denied.Message, Severity.Warning);
            return false;
        }
    }

    protected async Task<T> Query<T>(Func<ChiSoDb, IServiceProvider, Task<T>> work)
    {
        await using var scope = Scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ChiSoDb>(), scope.ServiceProvider);
    }

    protected Task<T> Query<T>(Func<ChiSoDb, Task<T>> work) => Query((db, _) => work(db));
}
