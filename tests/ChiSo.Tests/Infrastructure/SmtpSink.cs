using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChiSo.Tests.Infrastructure;

/// <summary>A local SMTP server that accepts every mail and keeps it, for the mailers' tests: enough of the protocol for
/// .NET's SmtpClient (greeting, EHLO, MAIL, RCPT, DATA, QUIT), nothing sent anywhere; or, with <see cref="Refuse"/>, none.</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource stop = new();
    readonly Task loop;
    readonly List<string> messages = [];

    public SmtpSink()
    {
        listener.Start();
        loop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public IReadOnlyList<string> Messages { get { lock (messages) return [.. messages]; } }

    /// <summary>While set, the server refuses every connection with 554 (a mail server out of service or refusing us).</summary>
    public bool Refuse { get; set; }

    async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (SocketException) { return; }
            _ = ServeAsync(client);
        }
    }

    async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
        if (Refuse)
        {
            await writer.WriteLineAsync("554 5.3.2 chiso.test không nhận thư lúc này");
            return;
        }
        await writer.WriteLineAsync("220 chiso.test SMTP");
        while (await reader.ReadLineAsync() is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO" or "HELO": await writer.WriteLineAsync("250 chiso.test"); break;
                case "DATA":
                    await writer.WriteLineAsync("354 end with .");
                    var body = new StringBuilder();
                    while (await reader.ReadLineAsync() is { } data && data != ".") body.AppendLine(data);
                    lock (messages) messages.Add(body.ToString());
                    await writer.WriteLineAsync("250 queued");
                    break;
                case "QUIT": await writer.WriteLineAsync("221 bye"); return;
                default: await writer.WriteLineAsync("250 ok"); break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        try { await loop; } catch (ObjectDisposedException) { }
        stop.Dispose();
    }
}
