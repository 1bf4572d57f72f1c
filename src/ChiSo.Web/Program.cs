using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using System.Threading.RateLimiting;
using ChiSo;
using ChiSo.Data;
using ChiSo.Features.Assessments;
using ChiSo.Features.Accounts;
using ChiSo.Features.Audit;
using ChiSo.Features.Cluster;
using ChiSo.Features.Frameworks;
using ChiSo.Features.Gaps;
using ChiSo.Features.Inspections;
using ChiSo.Features.Plans;
using ChiSo.Features.Reports;
using ChiSo.Features.Results;
using ChiSo.Features.Surveys;
using ChiSo.Features.Units;
using ChiSo.Web;
using ChiSo.Web.Components;
using ChiSo.Web.Components.Assessments;
using ChiSo.Web.Components.Accounts;
using ChiSo.Web.Components.Surveys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using MudBlazor.Services;

// Before anything is written: every file this process creates (database, -wal, backups, temporary files) is owner-only.
OwnerOnlyFiles.Restrict();
var builder = WebApplication.CreateBuilder(args);
OwnerOnlyFiles.TightenExisting(builder.Configuration);
// Static web assets (MudBlazor's CSS and JS) are served from the build output in every environment.
builder.WebHost.UseStaticWebAssets();

builder.Services.AddChiSoData(builder.Configuration);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddScoped<FrameworkImporter>();
builder.Services.AddScoped<FrameworkExcel>();
// Scheduled work (e-mail reminders and notices when Smtp:Host is set, the audit chain's checkpoint), once per cluster
// (decision 0023).
builder.Services.AddScheduledWork();
builder.Services.AddScoped<ChiSo.Features.Notifications.NoticeService>();
builder.Services.AddScoped<PlanService>();
builder.Services.AddScoped<AssessmentService>();
builder.Services.AddSurveyCollection();
builder.Services.AddAccounts(builder.Configuration);
// Anonymous survey answers (the public form and the JSON intake share one budget): per client address, generous, because
// a service counter's tablets and the citizens' phones on its Wi-Fi share one public address; 120 a minute stops a script,
// not a crowded counter. Signed-in staff (paper forms typed in, a collection tool's account) are not limited.
// Surveys:FormRateLimitPerMinute changes it (the load benchmark posts from one address).
var formsPerMinute = builder.Configuration.GetValue("Surveys:FormRateLimitPerMinute", 120);
builder.Services.AddRateLimiter(o =>
{
    o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
    o.AddPolicy(SurveyCollectionApi.FormRateLimit, http => http.User.Identity?.IsAuthenticated == true
        ? RateLimitPartition.GetNoLimiter("signed-in")
        : RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "?",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = formsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    // In Vietnamese: a page for the form's respondents, problem+json for the API's callers.
    o.OnRejected = (context, ct) => new ValueTask(PublicSurveyEndpoints.TooMany(context.HttpContext));
});
builder.Services.AddChiSoDataProtection();
builder.Services.AddHttpHardening(builder.Configuration);
builder.Services.AddVietnameseProblems();
builder.AddObservability();
builder.Services.AddHostedService<IdleTrim>();
builder.Services.AddExceptionHandler<ChiSo.Web.AccessDeniedHandler>();
builder.Services.AddExceptionHandler<ChiSo.Web.FileRefusedHandler>();
builder.Services.AddOpenApi();
builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
    o.SerializerOptions.Converters.Add(new DecimalJson());
    // What people and clients send: instants by the Hanoi rule, text in NFC (docs/decisions/0017).
    o.SerializerOptions.Converters.Add(new InstantJson());
    o.SerializerOptions.Converters.Add(new NfcJson());
});
// Without this, server-rendered Vietnamese comes out as HTML entities.
builder.Services.AddWebEncoders(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddCascadingAuthenticationState();
builder.Services.AddMudServices();
builder.Services.AddCascadingValue(_ => CultureInfo.CurrentUICulture);

var app = builder.Build();

// A missing server secret (PostgreSQL) stops the start here, with a message naming the setting.
app.Services.GetRequiredService<ServerSecret>();
await using (var scope = app.Services.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<ChiSoDb>();
    if (app.Configuration.GetValue("Database:MigrateOnStartup", true))
    {
        // Instances started together on an empty PostgreSQL database take turns: the first migrates, seeds and makes the
        // first admin; the others wait here and then find it done (decision 0023).
        await AdvisoryLock.EnsureDatabaseAsync(db, app.Logger, app.Lifetime.ApplicationStopping);
        await using var turn = await AdvisoryLock.TakeAsync(db, AdvisoryLock.Startup, wait: true, app.Lifetime.ApplicationStopping);
        await BuiltInData.MigrateAndSeedIfEmptyAsync(db, TimeProvider.System);
        await AccountsSetup.EnsureFirstAdminAsync(scope.ServiceProvider, app.Configuration, app.Logger);
    }
    if (await KeysAtRest.DropUnencryptedAsync(db) is > 0 and var dropped)
        app.Logger.LogWarning("Removed {Count} data-protection keys stored unencrypted; users sign in again once.", dropped);
}

app.UseObservability();
app.UseHttpHardening();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseReadRetry();
app.UseNormalInput();
app.UseRequestLocalization(o =>
{
    // Vietnamese first; English on request (the language switch sets the culture cookie).
    var cultures = new[] { new CultureInfo("vi-VN"), new CultureInfo("en-US") };
    o.DefaultRequestCulture = new RequestCulture("vi-VN");
    o.SupportedCultures = cultures;
    o.SupportedUICultures = cultures;
    o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()];
});
app.UseAuthentication();
app.UseRequestLog();
app.UseAuthorization();
app.UseAntiforgery();
app.UseRateLimiter();

// Anything mapped without a policy needs a signed-in user (the fallback policy); these are public on purpose.
app.MapOpenApi().AllowAnonymous();
app.MapStaticAssets().AllowAnonymous();
app.MapHealth();
// Every endpoint refuses a body without the values its type requires (400, not a 500 further in).
var api = app.MapGroup("").CheckRequiredFields();
api.MapAccountsApi();
api.MapAccountPages();
api.MapFrameworksApi();
api.MapResultsApi();
api.MapGapsApi();
api.MapUnitsApi();
api.MapAuditApi();
api.MapReportsApi();
api.MapInspectionsApi();
api.MapTasksApi();
api.MapPlansApi();
api.MapSurveyDesignApi();
api.MapSurveyCollectionApi();
api.MapPublicSurveyForms();
api.MapSurveyScoringApi();
api.MapAssessmentsApi();
api.MapPublicRankings();
app.MapGet("/culture", (string? culture, string? redirect, HttpContext http) =>
{
    var c = culture is not null && culture.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? "en-US" : "vi-VN";
    http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
        CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(c)),
        new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, SameSite = SameSiteMode.Lax });
    return Results.LocalRedirect(AccountsWeb.LocalUrl(redirect));
}).ExcludeFromDescription().AllowAnonymous();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();

public partial class Program;
