using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ChiSo.Data;
using ChiSo.Features.Cluster;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ChiSo.Web;

/// <summary>What an operator sees of a running instance: /healthz and /readyz, a Server-Timing header on every answer,
/// log lines that carry the user and the request id, OpenTelemetry traces and metrics when an exporter is configured; and
/// what a client sees when the instance or its database is going away: a clean 503 with Retry-After, never a half answer
/// (docs/decisions/0022-observability.md).</summary>
public static class Observability
{
    const string ReadyTag = "ready";
    /// <summary>Requests slower than this are logged as warnings with their timings; every request is logged at Debug.</summary>
    static readonly TimeSpan Slow = TimeSpan.FromMilliseconds(500);

    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck<DatabaseReadiness>("database", tags: [ReadyTag]);
        builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();

        // Telemetry:OtlpEndpoint (or the standard OTEL_EXPORTER_OTLP_ENDPOINT) sends traces and metrics to a collector;
        // Telemetry:Console prints them. With neither, nothing is instrumented and nothing costs.
        var otlp = builder.Configuration["Telemetry:OtlpEndpoint"] ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var console = builder.Configuration.GetValue("Telemetry:Console", false);
        if (string.IsNullOrWhiteSpace(otlp) && !console) return builder;
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("chiso", serviceVersion: typeof(ChiSoDb).Assembly.GetName().Version?.ToString(),
                serviceInstanceId: InstanceName.Of(builder.Configuration)))
            .WithTracing(t =>
            {
                t.AddAspNetCoreInstrumentation(o => o.Filter = http => !IsProbe(http.Request.Path))
                    .AddEntityFrameworkCoreInstrumentation();
                if (console) t.AddConsoleExporter();
            })
            .WithMetrics(m =>
            {
                m.AddAspNetCoreInstrumentation().AddRuntimeInstrumentation()
                    .AddMeter("Microsoft.EntityFrameworkCore", "Npgsql", "Microsoft.AspNetCore.Components", "Microsoft.AspNetCore.Components.Server.Circuits");
                if (console) m.AddConsoleExporter();
            });
        if (!string.IsNullOrWhiteSpace(otlp))
            telemetry.UseOtlpExporter(
                builder.Configuration["Telemetry:OtlpProtocol"] is "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf, new Uri(otlp));
        return builder;
    }

    public const string InstanceHeader = "X-ChiSo-Instance";

    static bool IsProbe(PathString path) => path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");

    /// <summary>First in the pipeline: the Server-Timing header, and the refusal of new work while the instance stops.</summary>
    public static void UseObservability(this WebApplication app)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        var instance = InstanceName.Of(app.Configuration);
        app.Use(async (http, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            var db = QueryTimings.Begin();
            http.Response.OnStarting(() =>
            {
                // Which instance answered, for the operator behind the proxy (and the cluster tests).
                http.Response.Headers[InstanceHeader] = instance;
                http.Response.Headers.Append("Server-Timing", string.Create(CultureInfo.InvariantCulture,
                    $"app;dur={Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.0}, db;dur={db.Elapsed.TotalMilliseconds:0.0};desc=\"{db.Count} queries\""));
                return Task.CompletedTask;
            });
            // Kestrel drains the requests in flight; one that arrives on a kept-alive connection meanwhile is refused whole,
            // so the proxy retries it on another instance instead of it being cut half-way.
            if (stopping.IsCancellationRequested)
            {
                http.Response.Headers.Connection = "close";
                await WriteUnavailableAsync(http, "Máy chủ này đang dừng để bảo trì; yêu cầu chưa được thực hiện. Hãy thử lại sau ít giây.");
                return;
            }
            await next(http);
        });
    }

    /// <summary>After the exception handler: a read that lost its database connection (a restart of PostgreSQL, a dropped
    /// pooled connection) is run once more on a fresh one. Only reads that have written nothing yet: a write is never
    /// repeated, it answers 503 and the client decides.</summary>
    public static void UseReadRetry(this WebApplication app) => app.Use(async (http, next) =>
    {
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            await next(http);
            return;
        }
        try
        {
            await next(http);
        }
        catch (Exception e) when (IsDatabaseUnavailable(e) && !http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
        {
            app.Logger.LogWarning(e, "Database unavailable during {Path}; reading once more", http.Request.Path.Value);
            DropDeadConnections();
            await Task.Delay(TimeSpan.FromMilliseconds(200), http.RequestAborted);
            // A fresh scope: the request's database context still holds the broken connection.
            var request = http.RequestServices;
            await using var fresh = app.Services.CreateAsyncScope();
            http.RequestServices = fresh.ServiceProvider;
            try { await next(http); }
            // The exception handler outside answers with the request's own services, not the disposed fresh ones.
            finally { http.RequestServices = request; }
        }
    });

    /// <summary>After authentication: every log line of the request names the user (the host's own scope already holds the
    /// request id and trace id); one line per request at Debug, and a warning with the timings when it was slow.</summary>
    public static void UseRequestLog(this WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ChiSo.Requests");
        app.Use(async (http, next) =>
        {
            using var scope = log.BeginScope("User:{User}", http.User.Identity?.Name ?? "-");
            var started = Stopwatch.GetTimestamp();
            await next(http);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var level = elapsed >= Slow ? LogLevel.Warning : LogLevel.Debug;
            if (log.IsEnabled(level))
                log.Log(level, "{Method} {Path} answered {Status} in {ElapsedMs:0.0} ms",
                    http.Request.Method, http.Request.Path.Value, http.Response.StatusCode, elapsed.TotalMilliseconds);
        });
    }

    /// <summary>/healthz: the process answers (503 while it stops). /readyz: the database answers and every migration has run.
    /// Both anonymous, so a proxy or an orchestrator can ask; neither says more than a status and a Vietnamese reason.</summary>
    public static void MapHealth(this WebApplication app)
    {
        var getOrHead = new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]);
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealthAsync })
            .WithMetadata(getOrHead).AllowAnonymous().DisableRateLimiting();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteHealthAsync })
            .WithMetadata(getOrHead).AllowAnonymous().DisableRateLimiting();
    }

    static readonly JsonSerializerOptions HealthJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static Task WriteHealthAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(http.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), detail = e.Value.Description }),
        }, HealthJson, http.RequestAborted);
    }

    /// <summary>A lost or refused database connection, a database that is busy or restarting: worth a retry later, not a 500.</summary>
    public static bool IsDatabaseUnavailable(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is DbException { IsTransient: true }) return true;
        return false;
    }

    /// <summary>After PostgreSQL restarts, every idle pooled connection is dead; without this each would fail one request.</summary>
    static void DropDeadConnections() => Npgsql.NpgsqlConnection.ClearAllPools();

    /// <summary>503 with Retry-After: problem+json for the API and its clients, a short Vietnamese page for a browser.</summary>
    static async Task WriteUnavailableAsync(HttpContext http, string detail)
    {
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = "5";
        http.Response.Headers.CacheControl = "no-store";
        if (!http.Request.Path.StartsWithSegments("/api") && http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal))
        {
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.WriteAsync($$"""
                <!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <meta http-equiv="refresh" content="10"><title>Tạm thời chưa phục vụ được — ChiSo</title>
                <style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#222}</style></head>
                <body><h1>Tạm thời chưa phục vụ được</h1><p>{{System.Net.WebUtility.HtmlEncode(detail)}}</p>
                <p>Trang sẽ tự tải lại sau 10 giây. Những gì bạn đã nhập trên trang trước chưa được gửi đi.</p>
                <p lang="en"><small>The service is briefly unavailable; this page reloads in 10 seconds.</small></p></body></html>
                """);
            return;
        }
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = 503, Title = "Dịch vụ tạm thời không sẵn sàng", Detail = detail },
        });
    }

    /// <summary>A request that lost the database: 503 and Retry-After; a write was rolled back with its connection.</summary>
    sealed class DatabaseUnavailableHandler(ILogger<DatabaseUnavailableHandler> log) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
        {
            if (!IsDatabaseUnavailable(exception)) return false;
            log.LogError(exception, "Database unavailable during {Method} {Path}", http.Request.Method, http.Request.Path.Value);
            DropDeadConnections();
            await WriteUnavailableAsync(http, "Không kết nối được cơ sở dữ liệu; yêu cầu chưa được thực hiện, không có gì được lưu dở. Hãy thử lại sau ít giây.");
            return true;
        }
    }

    /// <summary>Ready when the database answers and its schema is the one this build expects.</summary>
    sealed class DatabaseReadiness(ChiSoDb db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                if (!await db.Database.CanConnectAsync(ct)) return HealthCheckResult.Unhealthy("Không kết nối được cơ sở dữ liệu.");
                var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Count();
                return pending == 0
                    ? HealthCheckResult.Healthy("Cơ sở dữ liệu sẵn sàng.")
                    : HealthCheckResult.Unhealthy($"Cơ sở dữ liệu còn {pending} bước cập nhật cấu trúc chưa chạy (./chiso migrate).");
            }
            catch (Exception e) when (IsDatabaseUnavailable(e) || e is DbException)
            {
                return HealthCheckResult.Unhealthy("Không kết nối được cơ sở dữ liệu.");
            }
        }
    }
}
