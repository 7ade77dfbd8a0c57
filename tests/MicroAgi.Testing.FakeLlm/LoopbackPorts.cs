using System.Net;
using System.Net.Sockets;

namespace MicroAgi.Testing.FakeLlm;

/// <summary>Ports on 127.0.0.1.</summary>
public static class LoopbackPorts
{
    /// <summary>A port nobody listens on right now (the OS picked it and it was released again) — for tests of
    /// a server that is not there.</summary>
    public static int GetUnused()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>An http URL on 127.0.0.1 where nothing listens.</summary>
    public static Uri UnusedUrl(string path = "/v1") => new($"http://127.0.0.1:{GetUnused()}{path}");
}
