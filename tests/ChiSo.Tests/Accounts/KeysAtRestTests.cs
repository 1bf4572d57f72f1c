using System.Net;
using System.Security.Cryptography;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using ChiSo.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChiSo.Tests.Accounts;

/// <summary>The data-protection keys (they sign the login cookies) are encrypted in the database under the server secret.</summary>
public abstract class KeysAtRestTests(Provider provider)
{
    [Fact]
    public async Task Keys_are_stored_encrypted_and_a_plain_key_of_an_earlier_version_is_dropped_at_start()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        // A key as versions before 0014 wrote it: the data-protection system with the database as its store and no encryptor.
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = database.ProviderName, ["ConnectionStrings:ChiSo"] = database.ConnectionString,
        }).Build();
        var old = new ServiceCollection().AddChiSoData(config);
        old.AddDataProtection().SetApplicationName("ChiSo").PersistKeysToDbContext<ChiSoDb>();
        await using (var services = old.BuildServiceProvider())
            services.GetRequiredService<IDataProtectionProvider>().CreateProtector("thu").Protect("cookie cũ");
        await using (var db = database.NewContext())
            Assert.Contains(await db.DataProtectionKeys.Select(k => k.Xml).ToListAsync(), x => x!.Contains("<masterKey", StringComparison.Ordinal));

        await using var app = new ChiSoApp(database);
        using var client = app.CreateClient();   // signs in: the cookie is protected with a key made now
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/account/me")).StatusCode);

        await using (var db = database.NewContext())
        {
            var keys = await db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync();
            Assert.NotEmpty(keys);
            Assert.All(keys, x => Assert.DoesNotContain("<masterKey", x, StringComparison.Ordinal));
            Assert.All(keys, x => Assert.Contains("urn:chiso:data-protection", x, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_session_from_one_instance_is_accepted_by_another_with_the_same_secret_and_refused_with_another()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var first = new ChiSoApp(database);
        using var signedIn = first.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/api/account/me")).StatusCode);
        var cookie = signedIn.DefaultRequestHeaders.GetValues("Cookie").Single();

        await using var second = new ChiSoApp(database);
        using var same = second.AnonymousClient();
        same.DefaultRequestHeaders.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.OK, (await same.GetAsync("/api/account/me")).StatusCode);

        var otherSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        await using var third = new ChiSoApp(database, b => b.UseSetting(ServerSecret.Setting, otherSecret));
        using var other = third.AnonymousClient();
        other.DefaultRequestHeaders.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("/api/account/me")).StatusCode);
    }
}

public sealed class KeysAtRestSqliteTests() : KeysAtRestTests(Provider.Sqlite);

public sealed class KeysAtRestPostgresTests() : KeysAtRestTests(Provider.Postgres);
