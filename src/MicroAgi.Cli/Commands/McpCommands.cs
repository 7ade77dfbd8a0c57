using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using MicroAgi.Agents.Policy;
using MicroAgi.Agents.Runtime;
using MicroAgi.Cli.Hosting;
using MicroAgi.Mcp.Client;
using MicroAgi.Mcp.Serving;
using MicroAgi.Registry;

namespace MicroAgi.Cli.Commands;

/// <summary><c>microagi mcp serve</c>: the registry's tools, generated ones included, for any MCP client (docs/mcp.md).</summary>
internal static class McpCommands
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("mcp", "Serve MicroAgi's tools to MCP clients, and see the MCP servers whose tools agents use");
        command.Add(Serve(cli));
        command.Add(List(cli));
        command.Add(Tools(cli));
        return command;
    }

    private static Command List(CliContext cli)
    {
        var command = new Command("list", "The MCP servers in the registry (kind mcp.server), and how each is started or reached");
        command.SetAction(async (result, ct) =>
        {
            var host = cli.Options.Read(result);
            var allowlist = MicroAgiConfig.For(host, explicitFile: null).Mcp.Allowlist();
            await using var registry = await RegistryHost.OpenForReadingAsync(host, ct);
            var servers = registry.Find(EntryQuery.ByKind(McpServerDefinition.Kind));
            if (servers.Count == 0)
            {
                cli.RawErr.WriteLine("no MCP servers: add an entry of kind mcp.server (see docs/mcp.md)");
                return ExitCodes.Success;
            }
            foreach (var entry in servers)
            {
                try
                {
                    var server = McpServerDefinition.FromEntry(entry, Environment.GetEnvironmentVariable);
                    if (allowlist.Refusal(server) is { } refusal)
                    {
                        cli.RawOut.WriteLine($"{entry.Id}\trefused\t{refusal}");
                        continue;
                    }
                    cli.RawOut.WriteLine($"{entry.Id}\t{(server.Url is null ? "stdio" : "http")}\t{server.Describe()}\ttools {McpToolEntries.Namespace(server)}:* as {server.ToolPrefix}*");
                }
                catch (McpServerConfigException ex)
                {
                    cli.RawOut.WriteLine($"{entry.Id}\tunusable\t{ex.Message}");
                }
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Tools(CliContext cli)
    {
        var server = new Argument<string>("server") { Description = "The server's entry id, e.g. app:everything" };
        var command = new Command("tools", "Start an MCP server and list its tools as agents see them (mcp_<server>_<tool>)") { server };
        command.SetAction(async (result, ct) =>
        {
            var id = CliArguments.EntryId(result.GetValue(server)!);
            await using var registry = await RegistryHost.OpenForReadingAsync(cli.Options.Read(result), ct);
            var allowlist = MicroAgiConfig.For(cli.Options.Read(result), explicitFile: null).Mcp.Allowlist();
            await using var pool = new McpServerPool(registry, Environment.GetEnvironmentVariable, allowlist);
            try
            {
                var connection = await pool.GetAsync(id, ct);
                var tools = await connection.ListToolsAsync(ct);
                foreach (var entry in McpToolEntries.For(connection.Server, tools, problem => cli.RawErr.WriteLine("warning: " + problem)))
                {
                    var description = entry.MetaString("llm_description") ?? "";
                    cli.RawOut.WriteLine($"{entry.MetaString("llm_alias")}\t{entry.Id}\t{description.Split('\n')[0]}");
                }
                return ExitCodes.Success;
            }
            catch (Exception ex) when (ex is McpServerConfigException or McpServerUnavailableException)
            {
                cli.RawErr.WriteLine("error: " + ex.Message);
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static Command Serve(CliContext cli)
    {
        var agent = new Option<string?>("--agent")
        {
            Description = "The agent whose tools are served: its tools list and every tool it may load (default: agent: in microagi.yaml, else app:dev_assistant)",
        };
        var approval = new Option<string?>("--approval")
        {
            Description = "What tools that change the machine may do: ask (refused, since nobody can be asked over MCP), auto-edit (file changes go ahead) "
                + "or full-auto (commands too). Default: tools.approval in microagi.yaml, else ask",
        };
        var refresh = new Option<double?>("--refresh")
        {
            Description = "Seconds between looks for tools other processes created or changed (default 1)",
            CustomParser = NumberArguments.Number,
        };
        var config = new Option<FileInfo?>("--config") { Description = "A microagi.yaml to use instead of the one in the state directory" };
        var allow = ToolPolicySetup.NamesOption("--tools-allow", "Serve only these tools (names, aliases, patterns such as web_*, groups such as group:fs); comma-separated or repeated");
        var deny = ToolPolicySetup.NamesOption("--tools-deny", "Never serve these tools (deny wins over allow); comma-separated or repeated");
        var profileId = new Option<string?>("--profile")
        {
            Description = "Serve with this profile's tool policy, approval mode and workspace (--tools-allow/--tools-deny narrow it); default: the default profile, as run uses",
        };
        var http = new Option<string?>("--http")
        {
            Description = "Serve over Streamable HTTP at http://127.0.0.1:PORT/mcp instead of stdio (127.0.0.1 only; port 0 picks a free one)",
        };
        var command = new Command("serve", "Serve the tools over MCP (stdio, or Streamable HTTP with --http); tools created while it runs appear without a restart")
        {
            agent, approval, refresh, config, allow, deny, profileId, http,
        };
        command.SetAction(async (result, ct) =>
        {
            var host = cli.Options.Read(result);
            var address = result.GetValue(http) is { } text ? HttpAddress(text) : null;
            var settings = MicroAgiConfig.For(host, result.GetValue(config)?.FullName);
            var profile = ProfileSetup.Existing(host, result.GetValue(profileId));
            ProfileSetup.Apply(profile, settings);
            var agentId = CliArguments.EntryId(result.GetValue(agent) ?? settings.Agent ?? "app:dev_assistant");
            var interval = RefreshInterval(result.GetValue(refresh));
            // stdout carries the protocol: everything for a person goes to stderr.
            void Warn(string message) => cli.RawErr.WriteLine("warning: " + message);

            await using var registry = await RegistryHost.OpenAsync(host, ct);
            // The command line's rules come after the profile's: each can only narrow what the ones before allow.
            var policy = ToolPolicySetup.Narrowed(profile?.Tools ?? ToolPolicy.Open, result, allow, deny);
            // A misspelt tool or group is a usage error now, not a server that silently serves something else.
            ToolPolicySetup.Compile(policy, ToolCatalog.FromRegistry(registry.Snapshot()));
            // Nobody can be asked over MCP: in ask mode a change or command is refused with a message saying how to allow it.
            var machine = MachineSetup.Create(settings, host, MachineSetup.Mode(result.GetValue(approval), settings), prompt: null, profile);
            using var tools = ToolHost.Create(registry, SandboxOptions.From(settings.Sandbox), remoteDocs: settings.Docs, machine: machine);
            if (machine.Shell.Sandbox.Warning is { } unconfined) Warn(unconfined);
            var timeout = settings.Tools.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : new AgentSettings().ToolTimeout;
            using var served = new ServedToolCollection(registry, agentId, tools.Functions, new McpToolInvoker(timeout, machine.Approval, machine.Changes), Warn, policy);

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var watch = RegistryWatch.RunAsync(registry.RefreshAsync, interval, Warn, stop.Token);
            try
            {
                if (address is null)
                {
                    await McpToolServer.RunStdioAsync(McpToolServer.Options(served), logging: null, ct);
                }
                else
                {
                    await using var server = await StartHttpAsync(served, address, ct);
                    cli.RawErr.WriteLine($"serving MCP over Streamable HTTP at {server.Endpoint} (Ctrl+C stops)");
                    // No stdin to close here: Ctrl+C or SIGTERM stops the server cleanly instead of killing the process.
                    using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    void Stop(PosixSignalContext signal)
                    {
                        signal.Cancel = true;
                        interrupted.Cancel();
                    }
                    using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
                    using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
                    await server.RunUntilCancelledAsync(interrupted.Token);
                }
            }
            finally
            {
                await stop.CancelAsync();
                await watch;
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The address of <c>--http</c>: 127.0.0.1 and a port, nothing else — the server has no authentication.</summary>
    private static IPEndPoint HttpAddress(string text)
    {
        if (IPEndPoint.TryParse(text, out var address) && address.Address.Equals(IPAddress.Loopback) && text.Contains(':', StringComparison.Ordinal))
            return address;
        throw new UsageException($"--http takes 127.0.0.1:PORT (e.g. --http 127.0.0.1:8765), not '{text}': the MCP server has no authentication, "
            + "so it listens on this machine's loopback address only; to reach it from elsewhere, use an SSH tunnel or a proxy that authenticates");
    }

    private static async Task<McpHttpServer> StartHttpAsync(ServedToolCollection served, IPEndPoint address, CancellationToken cancellationToken)
    {
        try
        {
            return await McpHttpServer.StartAsync(served, address, logging: null, cancellationToken);
        }
        catch (IOException ex)
        {
            throw new UsageException($"cannot listen on {address}: {ex.Message}; pick another port (or 0 for a free one)", ex);
        }
    }

    private static TimeSpan RefreshInterval(double? seconds)
    {
        if (seconds is not { } value) return RegistryWatch.DefaultInterval;
        if (!double.IsFinite(value) || value < 0.05 || value > 3600)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--refresh must be a number of seconds from 0.05 to 3600 (got {value})"));
        return TimeSpan.FromSeconds(value);
    }
}
