using System.Security.Cryptography;
using ChiSo.Data;
using ChiSo.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace ChiSo.Tests.Data;

/// <summary>The server secret: made once beside a SQLite database when none is configured, required with PostgreSQL.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ServerSecretTests
{
    static IConfiguration Config(params (string Key, string? Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    [Fact]
    public void Without_a_configured_secret_SQLite_makes_one_beside_the_database_owner_only_and_keeps_it()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"chiso-secret-{Guid.NewGuid():N}");
        try
        {
            var config = Config(("ConnectionStrings:ChiSo", $"Data Source={dir}/.data/chiso.db"));
            var first = ServerSecret.Load(config);
            var file = Path.Combine(dir, ".data", ServerSecret.FileName);
            Assert.True(File.Exists(file));
            Assert.Equal(OwnerOnlyFiles.Mode, File.GetUnixFileMode(file));
            Assert.Equal(OwnerOnlyFiles.FolderMode, new DirectoryInfo(Path.Combine(dir, ".data")).UnixFileMode);
            Assert.True(Convert.FromBase64String(File.ReadAllText(file).Trim()).Length >= ServerSecret.MinBytes);
            // The next start (of either host) reads the same secret, so markers and keys made before still open.
            Assert.Equal(first.Key("survey-markers"), ServerSecret.Load(config).Key("survey-markers"));
            Assert.NotEqual(first.Key("survey-markers"), first.Key("data-protection"));
            Assert.Single(Directory.GetFiles(Path.Combine(dir, ".data")));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void With_PostgreSQL_a_missing_secret_is_an_error_in_Vietnamese_and_English_naming_the_setting()
    {
        var e = Assert.Throws<ServerSecretException>(() => ServerSecret.Load(Config(("Database:Provider", "postgres"), ("ConnectionStrings:ChiSo", "Host=x"))));
        Assert.Contains("Chưa cấu hình khóa bí mật", e.Message);
        Assert.Contains("The server secret is not configured", e.Message);
        Assert.Contains(ServerSecret.Setting, e.Message);
        Assert.Contains("Security__Secret", e.Message);
        Assert.Contains(ServerSecret.FileSetting, e.Message);
    }

    [Fact]
    public void A_secret_from_a_file_or_inline_must_be_base64_of_at_least_32_bytes()
    {
        var file = Path.GetTempFileName();
        try
        {
            var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
            File.WriteAllText(file, secret + "\n");
            Assert.Equal(ServerSecret.Parse(secret, "x").Key("p"),
                ServerSecret.Load(Config(("Database:Provider", "postgres"), (ServerSecret.FileSetting, file))).Key("p"));
            Assert.Throws<ServerSecretException>(() => ServerSecret.Load(Config((ServerSecret.Setting, Convert.ToBase64String(new byte[16])))));
            Assert.Contains("base64", Assert.Throws<ServerSecretException>(() => ServerSecret.Load(Config((ServerSecret.Setting, "khong-phai-base64!")))).Message);
            Assert.Throws<ServerSecretException>(() => ServerSecret.Load(Config((ServerSecret.FileSetting, file + ".khong-co"))));
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public async Task The_web_host_does_not_start_on_PostgreSQL_without_a_secret()
    {
        await using var database = await TestDatabase.CreateAsync(Provider.Sqlite, seeded: false);
        await using var app = new ChiSoApp(database, b => b.UseSetting("Database:Provider", "postgres")
            .UseSetting("ConnectionStrings:ChiSo", "Host=127.0.0.1;Port=1;Database=khong_co").UseSetting(ServerSecret.Setting, ""));
        var e = Assert.ThrowsAny<Exception>(() => app.AnonymousClient());
        Assert.Contains(ServerSecret.Setting, e.ToString());
    }
}
