using ChiSo.Data;
using Microsoft.AspNetCore.Components;

namespace ChiSo.Web.Components.Shared;

/// <summary>A page that reads the database: each load gets its own scope and DbContext, because an
/// interactive circuit lives far longer than a DbContext should.</summary>
public abstract class DataComponent : ComponentBase
{
    [Inject] IServiceScopeFactory Scopes { get; set; } = default!;

    protected async Task<T> Query<T>(Func<ChiSoDb, IServiceProvider, Task<T>> work)
    {
        await using var scope = Scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ChiSoDb>(), scope.ServiceProvider);
    }

    protected Task<T> Query<T>(Func<ChiSoDb, Task<T>> work) => Query((db, _) => work(db));
}
