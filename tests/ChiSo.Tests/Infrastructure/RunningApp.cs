namespace ChiSo.Tests.Infrastructure;

/// <summary>A test's own seeded database and the real app over it with an admin client, disposed together.</summary>
public sealed class RunningApp(TestDatabase database, ChiSoApp app) : IAsyncDisposable
{
    public TestDatabase Database { get; } = database;
    public ChiSoApp App { get; } = app;
    public HttpClient Client { get; } = app.CreateClient();

    public static async Task<RunningApp> StartAsync(Provider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        return new RunningApp(database, new ChiSoApp(database));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        await Database.DisposeAsync();
    }
}
