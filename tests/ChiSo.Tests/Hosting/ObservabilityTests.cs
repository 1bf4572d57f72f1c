using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChiSo.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ChiSo.Tests.Hosting;

/// <summary>What an operator and a client see of a running instance: the health probes, the Server-Timing header, the
/// user in every log line, and a database that goes away and comes back (docs/decisions/0022-observability.md).</summary>
public abstract class ObservabilityTests(Provider provider)
{
    [Fact]
    public async Task Probes_say_live_and_ready_and_answers_carry_their_timings()
    {
        await using var run = await RunningApp.StartAsync(provider);
        var anonymous = run.App.AnonymousClient();

        var live = await anonymous.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var ready = await anonymous.GetFromJsonAsync<JsonElement>("/readyz");
        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());

        foreach (var path in new[] { "/api/units", "/tasks" })
        {
            var response = await run.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var timing = Assert.Single(response.Headers.GetValues("Server-Timing"));
            Assert.Matches(@"^app;dur=\d+\.\d, db;dur=\d+\.\d;desc=""[1-9]\d* queries""$", timing);
        }
    }

    [Fact]
    public async Task Readiness_fails_while_a_migration_has_not_run()
    {
        await using var database = await TestDatabase.CreateAsync(provider, seeded: false);
        await using (var db = database.NewContext())
        {
            var last = (await db.Database.GetAppliedMigrationsAsync()).Last();
            await db.Database.ExecuteSqlAsync($"DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {last}");
        }
        await using var app = new ChiSoApp(database);
        var response = await app.AnonymousClient().GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        Assert.Contains("1 bước cập nhật cấu trúc chưa chạy", body.GetProperty("checks").GetProperty("database").GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Every_log_line_of_a_request_names_the_user_and_the_request()
    {
        var lines = new LogLines();
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database, b => b.ConfigureLogging(l => l.AddProvider(lines).AddFilter("ChiSo.Requests", LogLevel.Debug)));
        var client = await app.ClientAsync(ChiSo.Features.Accounts.Roles.Leader);
        var response = await client.GetAsync("/api/units");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The line is written as the request ends, which may be just after the client has its answer.
        LogLine? line = null;
        for (var i = 0; i < 100 && line is null; i++, await Task.Delay(50))
            lock (lines) line = lines.SingleOrDefault(l => l.Category == "ChiSo.Requests" && l.Message.StartsWith("GET /api/units answered 200", StringComparison.Ordinal));
        Assert.NotNull(line);
        Assert.Equal(await app.UserAsync(ChiSo.Features.Accounts.Roles.Leader), line.Scope["User"]);
        Assert.False(string.IsNullOrEmpty(line.Scope["RequestId"] as string));
        Assert.False(string.IsNullOrEmpty(line.Scope["TraceId"] as string));
    }

    [Fact]
    public async Task Traces_and_metrics_reach_an_OTLP_collector_when_one_is_configured()
    {
        using var collector = new HttpListener();
        var port = CuttableLink.FreePort();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new List<(string Path, byte[] Body)>();
        var receiving = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                HttpListenerContext context;
                try { context = await collector.GetContextAsync(); } catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                lock (received) received.Add((context.Request.Url!.AbsolutePath, body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });

        // The OTLP protobuf carries its strings as UTF-8: the service, the route the request took, and the database call.
        string Sent(string path) { lock (received) return string.Join("\n", received.Where(r => r.Path == path).Select(r => System.Text.Encoding.UTF8.GetString(r.Body))); }
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var app = new ChiSoApp(database, b => b.UseSetting("Telemetry:OtlpEndpoint", $"http://127.0.0.1:{port}")))
        {
            Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/api/units")).StatusCode);
            // The server's span ends when its pipeline has unwound, which can be after the client has the response: a flush
            // made before that sends the start-up's spans without it. Flush until the request's span has gone (or 10 s).
            var tracer = app.Services.GetRequiredService<TracerProvider>();
            for (var i = 0; i < 100 && !Sent("/v1/traces").Contains("/api/units"); i++, await Task.Delay(100))
                Assert.True(tracer.ForceFlush(30_000));
            Assert.True(app.Services.GetRequiredService<MeterProvider>().ForceFlush(30_000));
        }
        collector.Stop();
        var traces = Sent("/v1/traces");
        Assert.Contains("chiso", traces);
        Assert.Contains("/api/units", traces);
        Assert.Contains(provider == Provider.Sqlite ? "sqlite" : "postgresql", traces);
        Assert.Contains("http.server.request.duration", Sent("/v1/metrics"));
    }

    [Fact]
    public async Task An_instance_that_is_stopping_refuses_new_requests_whole()
    {
        // The stop is held open after it is announced, as Kestrel's drain holds it while requests in flight finish.
        var drain = new DrainWindow();
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ChiSoApp(database, b => b.ConfigureServices(s => s.AddSingleton<IHostedService>(drain)));
        var client = app.AnonymousClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        app.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        await drain.Entered.Task;

        var response = await client.PostAsJsonAsync("/api/surveys/rounds/1/responses", new { });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.True(response.Headers.ConnectionClose);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("đang dừng", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/healthz")).StatusCode);
        drain.Release.TrySetResult();
    }

    sealed class DrainWindow : IHostedLifecycleService
    {
        public readonly TaskCompletionSource Entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource Release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public async Task StoppingAsync(CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Release.Task.WaitAsync(TimeSpan.FromMinutes(1), cancellationToken);
        }
        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    sealed record LogLine(string Category, string Message, Dictionary<string, object?> Scope);

    /// <summary>A logger provider that keeps each line with the scope values it was written under, as the JSON console
    /// formatter would print them.</summary>
    sealed class LogLines : List<LogLine>, ILoggerProvider, ISupportExternalScope
    {
        IExternalScopeProvider scopes = new LoggerExternalScopeProvider();
        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;
        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
        public void Dispose() { }

        sealed class Logger(LogLines owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner.scopes.Push(state);
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scope = new Dictionary<string, object?>();
                owner.scopes.ForEachScope((s, d) =>
                {
                    if (s is IEnumerable<KeyValuePair<string, object?>> pairs) foreach (var (k, v) in pairs) d[k] = v;
                }, scope);
                lock (owner) owner.Add(new LogLine(category, formatter(state, exception), scope));
            }
        }
    }
}

public sealed class ObservabilityTestsSqlite() : ObservabilityTests(Provider.Sqlite);
public sealed class ObservabilityTestsPostgres() : ObservabilityTests(Provider.Postgres);

/// <summary>The database link cut under a running app (PostgreSQL over a real TCP relay): a clean 503 with Retry-After in
/// Vietnamese, a write that is not half done, readiness that says so, and recovery without restarting the app.</summary>
public sealed class DatabaseOutageTests
{
    sealed record OverLink(TestDatabase Database, CuttableLink Link, ChiSoApp App) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            await Link.DisposeAsync();
            await Database.DisposeAsync();
        }
    }

    /// <summary>A seeded PostgreSQL database and the app reaching it through a cuttable link, with a connection pool as in
    /// production (the tests' other apps run without one).</summary>
    static async Task<OverLink> OverLinkAsync()
    {
        var database = await TestDatabase.CreateAsync(Provider.Postgres);
        var direct = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var link = new CuttableLink(direct.Host!, direct.Port);
        var relayed = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = link.Port, Pooling = true, Timeout = 15 };
        return new OverLink(database, link, new ChiSoApp(database, b => b.UseSetting("ConnectionStrings:ChiSo", relayed.ConnectionString)));
    }

    [Fact]
    public async Task A_lost_database_gives_a_clean_503_and_the_app_recovers_on_its_own()
    {
        await using var run = await OverLinkAsync();
        var (database, link, app) = (run.Database, run.Link, run.App);
        var admin = app.CreateClient();
        var page = app.AnonymousClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        page.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/units")).StatusCode);
        int Inspections() { using var db = database.NewContext(); return db.Inspections.Count(); }
        var before = Inspections();

        link.Cut();
        var read = await admin.GetAsync("/api/units");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
        Assert.Equal("application/problem+json", read.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(read.Headers.RetryAfter);
        var problem = await read.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Dịch vụ tạm thời không sẵn sàng", problem.GetProperty("title").GetString());
        Assert.Contains("Không kết nối được cơ sở dữ liệu", problem.GetProperty("detail").GetString());

        var write = await admin.PostAsync("/api/inspections/plan?year=2031", null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        var html = await page.GetAsync("/xep-hang");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, html.StatusCode);
        Assert.Contains("Tạm thời chưa phục vụ được", await html.Content.ReadAsStringAsync());
        var ready = await page.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("Không kết nối được cơ sở dữ liệu", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await page.GetAsync("/healthz")).StatusCode);
        Assert.Equal(before, Inspections());

        // Back: the pool's dead connections are dropped on the first read that meets one, and that read is run again.
        link.Restore();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/units")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await page.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/inspections/plan?year=2031", null)).StatusCode);
        Assert.True(Inspections() > before);
    }

    [Fact]
    public async Task A_read_that_meets_a_dropped_connection_is_served_from_a_fresh_one()
    {
        await using var run = await OverLinkAsync();
        var (database, link, app) = (run.Database, run.Link, run.App);
        var admin = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/units")).StatusCode);

        // Every pooled connection dies (as on a PostgreSQL restart) while the link itself is up again at once.
        link.Cut();
        link.Restore();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/units")).StatusCode);
    }
}
