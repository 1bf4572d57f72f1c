using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChiSo.Features.Accounts;
using ChiSo.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace ChiSo.Tests.Accounts;

/// <summary>Signing in and out (sessions and sign-in limits: SessionTests), the first admin, account administration with its audit, the unit check of
/// filing, and the one-stop-shop challenge; through the real app and login endpoint.</summary>
public abstract class AccountTests(Provider provider)
{
    static readonly WebApplicationFactoryClientOptions NoRedirects = new() { AllowAutoRedirect = false };

    static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        (await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync())).RootElement;

    static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? title = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (title is not null) Assert.Equal(title, (await JsonAsync(response)).GetProperty("title").GetString());
    }

    static Task<HttpResponseMessage> LoginAsync(HttpClient client, string user, string password) =>
        client.PostAsJsonAsync("/api/account/login", new LoginRequest(user, password));

    [Fact]
    public async Task Login_sets_a_strict_http_only_cookie_and_me_names_the_user_with_roles_and_unit()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        var userName = await app.UserAsync(Roles.UnitEditor, "SNV");
        using var client = app.AnonymousClient();

        var login = await LoginAsync(client, userName, ChiSoApp.TestPassword);

        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("chiso.auth=", StringComparison.Ordinal));
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        var me = await JsonAsync(await client.GetAsync("/api/account/me"));
        Assert.Equal(userName, me.GetProperty("userName").GetString());
        Assert.Equal("Thử nghiệm Cán bộ nhập liệu của đơn vị", me.GetProperty("displayName").GetString());
        Assert.Equal([Roles.UnitEditor], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("SNV", me.GetProperty("unit").GetString());
    }

    [Fact]
    public async Task A_wrong_password_is_a_Vietnamese_401_and_anonymous_callers_get_401_on_the_API_and_the_login_page_for_pages()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        var userName = await app.UserAsync(Roles.Leader);
        using var client = app.AnonymousClient(NoRedirects);

        await AssertProblemAsync(await LoginAsync(client, userName, "sai-mat-khau"), HttpStatusCode.Unauthorized, "Sai tên đăng nhập hoặc mật khẩu.");
        await AssertProblemAsync(await LoginAsync(client, "khong-co-ai", "sai-mat-khau"), HttpStatusCode.Unauthorized, "Sai tên đăng nhập hoặc mật khẩu.");
        await AssertProblemAsync(await client.GetAsync("/api/account/me"), HttpStatusCode.Unauthorized, "Cần đăng nhập");
        await AssertProblemAsync(await client.GetAsync("/api/frameworks"), HttpStatusCode.Unauthorized);

        var page = await client.GetAsync("/plans?year=2024");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/dang-nhap?returnUrl=%2Fplans%3Fyear%3D2024", page.Headers.Location!.PathAndQuery);
        var login = await client.GetAsync("/dang-nhap");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("Đăng nhập", await login.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_first_start_creates_the_admin_with_the_configured_password_once()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Accounts:InitialAdminPassword"] = "Quan-tri-2024", ["Database:Provider"] = database.ProviderName,
        }).Build();

        await using (var scope = app.Services.CreateAsyncScope())
            await AccountsSetup.EnsureFirstAdminAsync(scope.ServiceProvider, config, NullLogger.Instance);
        await using (var scope = app.Services.CreateAsyncScope())
            await AccountsSetup.EnsureFirstAdminAsync(scope.ServiceProvider, config, NullLogger.Instance);

        using var client = app.AnonymousClient();
        Assert.Equal(HttpStatusCode.NoContent, (await LoginAsync(client, "admin", "Quan-tri-2024")).StatusCode);
        var me = await JsonAsync(await client.GetAsync("/api/account/me"));
        Assert.Equal("Quản trị Sở Nội vụ", me.GetProperty("displayName").GetString());
        Assert.Equal([Roles.Admin], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        await using var db = database.NewContext();
        Assert.Equal(1, await db.Users.CountAsync());
    }

    [Fact]
    public async Task Without_a_configured_password_the_first_admin_gets_a_random_one_written_next_to_the_SQLite_file()
    {
        if (provider != Provider.Sqlite) return;
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "sqlite", ["ConnectionStrings:ChiSo"] = database.ConnectionString,
        }).Build();

        string? file;
        await using (var scope = app.Services.CreateAsyncScope())
            file = await AccountsSetup.EnsureFirstAdminAsync(scope.ServiceProvider, config, NullLogger.Instance);

        try
        {
            Assert.NotNull(file);
            Assert.Equal(AccountsSetup.PasswordFile, Path.GetFileName(file));
            if (!OperatingSystem.IsWindows()) Assert.Equal(ChiSo.Data.OwnerOnlyFiles.Mode, File.GetUnixFileMode(file));
            var lines = await File.ReadAllLinesAsync(file);
            using var client = app.AnonymousClient();
            Assert.Equal(HttpStatusCode.NoContent, (await LoginAsync(client, lines[0], lines[1])).StatusCode);
        }
        finally
        {
            if (file is not null) File.Delete(file);
        }
    }

    [Fact]
    public async Task Admin_manages_accounts_with_Vietnamese_validation_and_every_change_audited()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        using var admin = app.CreateClient();

        var invalid = await admin.PostAsJsonAsync("/api/users", new UserCreate("bt-nhap", "", null, [Roles.UnitEditor, "chu-tich"], null, null));
        await AssertProblemAsync(invalid, HttpStatusCode.BadRequest);
        var errors = (await JsonAsync(invalid)).GetProperty("errors");
        Assert.Equal("Cần họ tên hoặc tên hiển thị.", errors.GetProperty("displayName")[0].GetString());
        Assert.Contains("chu-tich", errors.GetProperty("roles")[0].GetString());
        var noUnit = await admin.PostAsJsonAsync("/api/users", new UserCreate("bt-nhap", "Bùi Thị Nhập", null, [Roles.UnitHead], null, null));
        Assert.Equal("Cán bộ nhập liệu và thủ trưởng đơn vị phải thuộc một đơn vị.",
            (await JsonAsync(noUnit)).GetProperty("errors").GetProperty("unit")[0].GetString());
        var weak = await admin.PostAsJsonAsync("/api/users", new UserCreate("bt-nhap", "Bùi Thị Nhập", null, [Roles.UnitEditor], "SNV", "abc"));
        Assert.Contains("Mật khẩu phải có ít nhất 8 ký tự.", (await JsonAsync(weak)).GetProperty("errors").GetProperty("password").EnumerateArray().Select(e => e.GetString()));

        var created = await admin.PostAsJsonAsync("/api/users", new UserCreate("bt-nhap", "Bùi Thị Nhập", null, [Roles.UnitEditor], "SNV", null));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await JsonAsync(created);
        var id = body.GetProperty("user").GetProperty("id").GetString()!;
        var password = body.GetProperty("password").GetString()!;
        using (var user = app.AnonymousClient())
            Assert.Equal(HttpStatusCode.NoContent, (await LoginAsync(user, "bt-nhap", password)).StatusCode);

        var duplicate = await admin.PostAsJsonAsync("/api/users", new UserCreate("bt-nhap", "Người khác", null, [Roles.Leader], null, null));
        Assert.Equal("Tên đăng nhập 'bt-nhap' đã có người dùng.", (await JsonAsync(duplicate)).GetProperty("errors").GetProperty("userName")[0].GetString());

        var edited = await admin.PutAsJsonAsync($"/api/users/{id}", new UserEdit(null, null, [Roles.UnitHead], "Q-TAYHO", null));
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal("Q-TAYHO", (await JsonAsync(edited)).GetProperty("unit").GetString());
        var reset = await admin.PostAsJsonAsync($"/api/users/{id}/password", new PasswordReset("Mat-khau-moi-1"));
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var off = await admin.PutAsJsonAsync($"/api/users/{id}", new UserEdit(null, null, null, null, false));
        Assert.False((await JsonAsync(off)).GetProperty("active").GetBoolean());
        using (var user = app.AnonymousClient())
            await AssertProblemAsync(await LoginAsync(user, "bt-nhap", "Mat-khau-moi-1"), HttpStatusCode.Unauthorized, AccountsApi.WrongPassword);

        await using var db = database.NewContext();
        var audit = await db.Audit.Where(a => a.Subject == "user:bt-nhap").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["created", "unit", "roles", "password", "active"], audit.Select(a => a.Field));
        var unit = audit.Single(a => a.Field == "unit");
        Assert.Equal(("SNV", "Q-TAYHO"), (unit.OldValue, unit.NewValue));
        Assert.Equal((Roles.UnitEditor, Roles.UnitHead), (audit.Single(a => a.Field == "roles").OldValue, audit.Single(a => a.Field == "roles").NewValue));
        Assert.All(audit, a => Assert.Equal("Thử nghiệm Cơ quan thường trực (test-admin)", a.User));
        Assert.DoesNotContain(audit, a => (a.NewValue ?? "").Contains("Mat-khau-moi-1"));
    }

    [Fact]
    public async Task A_unit_user_files_reports_and_progress_for_their_own_unit_only()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database);
        using var snv = await app.ClientAsync(Roles.UnitEditor, "SNV");
        using var tayHo = await app.ClientAsync(Roles.UnitHead, "Q-TAYHO");

        var refused = await snv.PostAsJsonAsync("/api/reports/Q-TAYHO/2024/Q1/submit", new { });
        await AssertProblemAsync(refused, HttpStatusCode.Forbidden, "Không có quyền");
        var own = await tayHo.PostAsJsonAsync("/api/reports/Q-TAYHO/2024/Q1/submit", new { });
        Assert.NotEqual(HttpStatusCode.Forbidden, own.StatusCode);
        Assert.NotEqual(HttpStatusCode.Unauthorized, own.StatusCode);

        int taskId;
        await using (var db = database.NewContext())
            taskId = await db.PlanTasks.Where(t => t.Agencies.Any(a => a.Unit!.Code == "SNV")).Select(t => t.Id).FirstAsync();
        var other = await tayHo.PostAsJsonAsync($"/api/tasks/{taskId}/progress", new { unit = "SNV", status = "InProgress", percent = 10 });
        await AssertProblemAsync(other, HttpStatusCode.Forbidden, "Không có quyền");
        var filed = await snv.PostAsJsonAsync($"/api/tasks/{taskId}/progress", new { status = "InProgress", percent = 10, text = "Đang làm" });
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        await using (var db = database.NewContext())
            Assert.Equal("Thử nghiệm Cán bộ nhập liệu của đơn vị (test-unit-editor-snv)",
                (await db.ProgressUpdates.Where(p => p.TaskId == taskId).OrderBy(p => p.Id).LastAsync()).FiledBy);
    }

    [Fact]
    public async Task With_one_stop_shop_configured_the_challenge_goes_to_its_authorize_endpoint()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database, b =>
        {
            b.UseSetting("Authentication:OpenIdConnect:Authority", "https://motcua.example.vn");
            b.UseSetting("Authentication:OpenIdConnect:ClientId", "chiso");
            b.UseSetting("Authentication:OpenIdConnect:ClientSecret", "bi-mat");
            // A fixed discovery document: no network in tests.
            b.ConfigureServices(s => s.Configure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, o => o.Configuration = new OpenIdConnectConfiguration
            {
                Issuer = "https://motcua.example.vn", AuthorizationEndpoint = "https://motcua.example.vn/connect/authorize",
                TokenEndpoint = "https://motcua.example.vn/connect/token",
            }));
        });
        using var client = app.AnonymousClient(NoRedirects);

        Assert.Contains("Đăng nhập bằng tài khoản một cửa", await client.GetStringAsync("/dang-nhap"));
        var challenge = await client.GetAsync("/dang-nhap/mot-cua?returnUrl=%2Fplans");

        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var location = challenge.Headers.Location!;
        Assert.Equal("https://motcua.example.vn/connect/authorize", location.GetLeftPart(UriPartial.Path));
        Assert.Contains("client_id=chiso", location.Query);
        Assert.Contains("scope=openid%20profile%20email", location.Query);
    }
}

public sealed class AccountSqliteTests() : AccountTests(Provider.Sqlite);

public sealed class AccountPostgresTests() : AccountTests(Provider.Postgres);
