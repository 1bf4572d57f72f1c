using System.Text.Json;
using ChiSo.Features.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ChiSo.BrowserTests;

/// <summary>Signs a browser context in as a given account through the real login endpoint (the login page itself is
/// walked in LoginTests); the cookie it sets is the browser's, as after a manual sign-in.</summary>
public static class TestSignIn
{
    const string Password = "Thu-nghiem-2024";

    /// <summary>Makes sure the account exists (a real Identity user with its roles and unit), then signs the context
    /// in. Returns the user's id.</summary>
    public static async Task<string> SignInAsync(IBrowserContext context, BrowserFixture fx, string userName, string displayName, int? unitId, params string[] roles)
    {
        var id = await EnsureUserAsync(fx.Services, userName, displayName, unitId, roles);
        var response = await context.APIRequest.PostAsync(fx.BaseUrl + "/api/account/login", new APIRequestContextOptions
        {
            DataString = JsonSerializer.Serialize(new { userName, password = Password }),
            Headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" },
        });
        Assert.True(response.Ok, $"Đăng nhập {userName}: {response.Status} {await response.TextAsync()}");
        return id;
    }

    public static async Task<string> EnsureUserAsync(IServiceProvider services, string userName, string displayName, int? unitId, params string[] roles)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ChiSoUser>>();
        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            user = new ChiSoUser { UserName = userName, DisplayName = displayName, UnitId = unitId };
            var created = await users.CreateAsync(user, Password);
            Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        }
        foreach (var role in roles.Where(r => !users.IsInRoleAsync(user, r).GetAwaiter().GetResult()))
            Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        return user.Id;
    }
}
