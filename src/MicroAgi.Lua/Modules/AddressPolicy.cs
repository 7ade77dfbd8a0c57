using System.Net;
using System.Net.Sockets;

namespace MicroAgi.Lua.Modules;

/// <summary>
/// Decides which IP addresses http_client may connect to: public addresses, plus the networks the
/// configuration allows. Applied to the address a name resolves to, at connect time, for every hop.
/// </summary>
internal sealed class AddressPolicy
{
    private static readonly (IPNetwork Network, string Kind)[] Blocked =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "shared (CGNAT)"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.0.0.0/24"), "reserved"),
        (IPNetwork.Parse("192.0.2.0/24"), "documentation"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("198.18.0.0/15"), "benchmarking"),
        (IPNetwork.Parse("198.51.100.0/24"), "documentation"),
        (IPNetwork.Parse("203.0.113.0/24"), "documentation"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved"),
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("::/96"), "IPv4-compatible"),
        (IPNetwork.Parse("100::/64"), "discard"),
        (IPNetwork.Parse("2001:db8::/32"), "documentation"),
        (IPNetwork.Parse("fc00::/7"), "private (unique local)"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    private readonly bool _allowAll;
    private readonly IPNetwork[] _allowed;

    public AddressPolicy(HttpClientOptions options)
    {
        _allowAll = options.AllowAllNetworks;
        _allowed = options.AllowedNetworks.Select(Parse).ToArray();
    }

    private static IPNetwork Parse(string text)
    {
        if (IPNetwork.TryParse(text, out var network)) return network;
        if (IPAddress.TryParse(text, out var address))
            return new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
        throw new ArgumentException($"HttpClientOptions.AllowedNetworks: '{text}' is not an IP address or a CIDR range such as 10.0.0.0/8");
    }

    public bool Allows(IPAddress address)
    {
        if (_allowAll) return true;
        address = Normalize(address);
        return _allowed.Any(n => n.Contains(address)) || Classify(address) is null;
    }

    /// <summary>Why an address is not public ("loopback", "private", …), or null when it is public.</summary>
    public static string? Classify(IPAddress address)
    {
        address = Normalize(address);
        foreach (var (network, kind) in Blocked)
            if (network.Contains(address)) return kind;
        if (Embedded(address) is { } inner) return Classify(inner);
        return null;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>The IPv4 address inside a NAT64 or 6to4 address, which reaches that IPv4 host.</summary>
    private static IPAddress? Embedded(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return null;
        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address)) return new IPAddress(bytes[12..16]);
        if (SixToFour.Contains(address)) return new IPAddress(bytes[2..6]);
        return null;
    }
}
