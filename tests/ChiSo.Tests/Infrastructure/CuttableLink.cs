using System.Net;
using System.Net.Sockets;

namespace ChiSo.Tests.Infrastructure;

/// <summary>A TCP relay between the app and its database that a test can cut and restore: a real network fault (refused
/// connections, connections reset mid-use), not a mock of the database.</summary>
public sealed class CuttableLink : IAsyncDisposable
{
    readonly IPEndPoint target;
    readonly List<TcpClient> open = [];
    TcpListener? listener;
    CancellationTokenSource stop = new();

    public int Port { get; }

    public CuttableLink(string host, int port)
    {
        target = new IPEndPoint(IPAddress.Parse(host), port);
        Port = FreePort();
        Restore();
    }

    /// <summary>A loopback port nothing listens on now.</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>Accepts again on the same port.</summary>
    public void Restore()
    {
        stop = new CancellationTokenSource();
        listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _ = AcceptAsync(listener, stop.Token);
    }

    /// <summary>Resets every open connection and refuses new ones.</summary>
    public void Cut()
    {
        stop.Cancel();
        listener?.Stop();
        lock (open)
        {
            foreach (var c in open)
            {
                // A reset, not a polite close: what a crashed server or a cut cable leaves. A pump may have closed it already.
                try { c.Client?.LingerState = new LingerOption(true, 0); } catch (ObjectDisposedException) { }
                c.Dispose();
            }
            open.Clear();
        }
    }

    async Task AcceptAsync(TcpListener on, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var inbound = await on.AcceptTcpClientAsync(ct);
                var outbound = new TcpClient();
                await outbound.ConnectAsync(target, ct);
                lock (open) open.AddRange([inbound, outbound]);
                _ = PumpAsync(inbound, outbound, ct);
                _ = PumpAsync(outbound, inbound, ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
    }

    static async Task PumpAsync(TcpClient from, TcpClient to, CancellationToken ct)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), ct);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException) { }
        finally
        {
            to.Dispose();
            from.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }
}
