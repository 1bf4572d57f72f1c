using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using ChiSo.Data;
using ChiSo.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ChiSo.Tests.Cluster;

/// <summary>Runs only where nginx is installed (tests/run-tests.sh installs Debian's package); elsewhere skipped with the reason.</summary>
public sealed class ClusterFactAttribute : FactAttribute
{
    public const string Nginx = "/usr/sbin/nginx";

    public ClusterFactAttribute()
    {
        if (!File.Exists(Nginx)) Skip = "nginx is not installed (apt-get install nginx; ./chiso test installs it): the cluster tests need it.";
    }
}

/// <summary>The cluster as <c>./chiso cluster up 2</c> starts it (deploy/cluster.sh over the build in artifacts/): a PostgreSQL
/// cluster of its own on a free port (its restart touches no other test), two instances of the built app and nginx with
/// the site rendered from deploy/nginx/chiso.conf, all on loopback; a fake SMTP server takes the reminders.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string AdminPassword = "Cluster-Test-Admin-2026!";
    public const string SnvMailbox = "cchc@snv.test";

    public string Root { get; } = FindRoot();
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), $"chiso-cluster-test-{Guid.NewGuid():N}");
    public int Port { get; private set; }
    public int PgPort { get; private set; }
    public FakeSmtp Smtp { get; } = new();
    public Uri Nginx => new($"http://127.0.0.1:{Port}");
    public Uri Instance(int i) => new($"http://127.0.0.1:{Port + i}");
    public string ConnectionString => $"Host=127.0.0.1;Port={PgPort};Database=chiso;Username=postgres;Pooling=false;Timeout=10";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ClusterFactAttribute.Nginx)) return;
        Port = FreePorts(3);
        PgPort = FreePorts(1);
        await ScriptAsync("up", "2");
    }

    public async Task DisposeAsync()
    {
        if (Port != 0) await ScriptAsync("down");
        Smtp.Dispose();
        try { Directory.Delete(Dir, recursive: true); }
        catch (IOException) { }
    }

    /// <summary>deploy/cluster.sh with this cluster's ports, directory and settings; its output is in the failure message.</summary>
    public async Task ScriptAsync(params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        start.ArgumentList.Add(Path.Combine(Root, "deploy", "cluster.sh"));
        foreach (var a in args) start.ArgumentList.Add(a);
        var env = start.Environment;
        env["CHISO_CLUSTER_DIR"] = Dir;
        env["CHISO_CLUSTER_PORT"] = Port.ToString();
        env["CHISO_CLUSTER_PGPORT"] = PgPort.ToString();
        env["CHISO_CLUSTER_NO_BUILD"] = "1";
        env["CHISO_ADMIN_PASSWORD"] = AdminPassword;
        env["Smtp__Host"] = "127.0.0.1";
        env["Smtp__Port"] = Smtp.Port.ToString();
        env["Reminders__Recipients__SNV"] = SnvMailbox;
        // Both instances look every second; the cluster sends reminders at most once per 10 s period.
        env["Scheduler__Tick"] = "00:00:01";
        env["Reminders__Every"] = "00:00:10";
        env["Logging__Console__FormatterName"] = "simple";
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await p.WaitForExitAsync(timeout.Token);
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"cluster.sh {string.Join(' ', args)} exited {p.ExitCode}:\n{await output}\n{await error}");
    }

    public int Pid(int instance) => int.Parse(File.ReadAllText(Path.Combine(Dir, $"app{instance}.pid")).Trim());

    public ChiSoDb NewContext()
    {
        var o = new DbContextOptionsBuilder<PostgresChiSoDb>();
        DatabaseSetup.ConfigurePostgres(o, ConnectionString);
        return new PostgresChiSoDb(o.Options);
    }

    /// <summary>A client of its own (its own cookies, read and sent by hand so they go to any port), signed in as the first admin
    /// through nginx.</summary>
    public async Task<Client> SignInAsync()
    {
        var client = new Client(Nginx);
        var login = await client.Http.PostAsJsonAsync(new Uri(Nginx, "/api/account/login"), new LoginRequest("admin", AdminPassword));
        Assert.True(login.IsSuccessStatusCode, $"sign-in through nginx: {(int)login.StatusCode} {await login.Content.ReadAsStringAsync()}");
        client.Keep(login);
        return client;
    }

    internal static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "chiso")) && Directory.Exists(Path.Combine(dir.FullName, "deploy"))) return dir.FullName;
        throw new InvalidOperationException("The repository (with ./chiso and deploy/) is not above " + AppContext.BaseDirectory);
    }

    /// <summary>The first of <paramref name="count"/> consecutive free loopback ports (nginx, then one per instance).</summary>
    static int FreePorts(int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var first = Random.Shared.Next(20000, 40000);
            if (Enumerable.Range(first, count).All(Free)) return first;
        }
        throw new InvalidOperationException("No free block of loopback ports.");

        static bool Free(int port)
        {
            try
            {
                using var l = new TcpListener(IPAddress.Loopback, port);
                l.Start();
                return true;
            }
            catch (SocketException) { return false; }
        }
    }

    /// <summary>An HTTP client whose cookies are kept by hand: a <see cref="CookieContainer"/> would keep them per host, and
    /// the tests send the same session to nginx and to each instance directly.</summary>
    public sealed class Client(Uri nginx) : IDisposable
    {
        readonly Dictionary<string, string> cookies = [];
        public HttpClient Http { get; } = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };

        public void Keep(HttpResponseMessage response)
        {
            if (!response.Headers.TryGetValues("Set-Cookie", out var set)) return;
            foreach (var c in set)
            {
                var pair = c.Split(';')[0];
                var eq = pair.IndexOf('=');
                cookies[pair[..eq]] = pair[(eq + 1)..];
            }
        }

        public void Set(string name, string value) => cookies[name] = value;

        public string CookieHeader => string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}"));

        public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null, Uri? to = null)
        {
            using var request = new HttpRequestMessage(method, new Uri(to ?? nginx, path)) { Content = content };
            if (cookies.Count > 0) request.Headers.Add("Cookie", CookieHeader);
            var response = await Http.SendAsync(request);
            Keep(response);
            return response;
        }

        public Task<HttpResponseMessage> GetAsync(string path, Uri? to = null) => SendAsync(HttpMethod.Get, path, null, to);

        public void Dispose() => Http.Dispose();
    }
}

/// <summary>Just enough SMTP for System.Net.Mail: every message's recipients and data, kept in order.</summary>
public sealed class FakeSmtp : IDisposable
{
    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource stop = new();
    readonly List<(string To, string Data)> messages = [];

    public FakeSmtp()
    {
        listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public IReadOnlyList<(string To, string Data)> Messages
    {
        get { lock (messages) return messages.ToList(); }
    }

    async Task AcceptAsync()
    {
        try
        {
            while (!stop.IsCancellationRequested) _ = ServeAsync(await listener.AcceptTcpClientAsync(stop.Token));
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
    }

    async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var reader = new StreamReader(stream);
        await using var writer = new StreamWriter(stream) { AutoFlush = true, NewLine = "\r\n" };
        await writer.WriteLineAsync("220 fake ESMTP");
        var to = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            var verb = line.Split(' ')[0].ToUpperInvariant();
            if (verb == "DATA")
            {
                await writer.WriteLineAsync("354 go ahead");
                var data = new System.Text.StringBuilder();
                while (await reader.ReadLineAsync() is { } l && l != ".") data.AppendLine(l);
                lock (messages) messages.AddRange(to.Select(t => (t, data.ToString())));
                to.Clear();
                await writer.WriteLineAsync("250 queued");
            }
            else if (verb == "RCPT")
            {
                to.Add(line[(line.IndexOf('<') + 1)..line.IndexOf('>')]);
                await writer.WriteLineAsync("250 ok");
            }
            else if (verb == "QUIT")
            {
                await writer.WriteLineAsync("221 bye");
                return;
            }
            else await writer.WriteLineAsync(verb is "EHLO" or "HELO" ? "250 fake" : "250 ok");
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
    }
}
