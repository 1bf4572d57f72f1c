using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ChiSo.Tests.Infrastructure;

/// <summary>The real web app (Program.cs) in memory, over one test's own database. The database is already
/// migrated (and seeded, if the test asked for it), so the app must not migrate or seed on start.</summary>
public sealed class ChiSoApp(TestDatabase database) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Database:Provider", database.ProviderName);
        builder.UseSetting("ConnectionStrings:ChiSo", database.ConnectionString);
        builder.UseSetting("Database:MigrateOnStartup", "false");
    }
}
