using System.CommandLine;
using System.Globalization;
using MicroAgi.Agents.Runtime;
using MicroAgi.Cli.Hosting;
using MicroAgi.Mcp.Serving;
using MicroAgi.Registry;

namespace MicroAgi.Cli.Commands;

/// <summary><c>microagi mcp serve</c>: the registry's tools, generated ones included, for any MCP client (docs/mcp.md).</summary>
internal static class McpCommands
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("mcp", "Serve MicroAgi's tools to MCP clients (Claude Desktop, Claude Code, VS Code, ...)");
        command.Add(Serve(cli));
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
        };
        var config = new Option<FileInfo?>("--config") { Description = "A microagi.yaml to use instead of the one in the state directory" };
        var command = new Command("serve", "Serve the tools over MCP on stdin/stdout; tools created while it runs appear without a restart")
        {
            agent, approval, refresh, config,
        };
        command.SetAction(async (result, ct) =>
        {
            var host = cli.Options.Read(result);
            var settings = MicroAgiConfig.For(host, result.GetValue(config)?.FullName);
            var agentId = CliArguments.EntryId(result.GetValue(agent) ?? settings.Agent ?? "app:dev_assistant");
            var interval = RefreshInterval(result.GetValue(refresh));
            // stdout carries the protocol: everything for a person goes to stderr.
            void Warn(string message) => cli.RawErr.WriteLine("warning: " + message);

            await using var registry = await RegistryHost.OpenAsync(host, ct);
            // Nobody can be asked over MCP: in ask mode a change or command is refused with a message saying how to allow it.
            var machine = MachineSetup.Create(settings, host, MachineSetup.Mode(result.GetValue(approval), settings), prompt: null);
            using var tools = ToolHost.Create(registry, SandboxOptions.From(settings.Sandbox), remoteDocs: settings.Docs, machine: machine);
            if (machine.Shell.Sandbox.Warning is { } unconfined) Warn(unconfined);
            var timeout = settings.Tools.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : new AgentSettings().ToolTimeout;
            using var served = new ServedToolCollection(registry, agentId, tools.Functions, new McpToolInvoker(timeout), Warn);

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var watch = RegistryWatch.RunAsync(registry.RefreshAsync, interval, Warn, stop.Token);
            try
            {
                await McpToolServer.RunStdioAsync(McpToolServer.Options(served), logging: null, ct);
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

    private static TimeSpan RefreshInterval(double? seconds)
    {
        if (seconds is not { } value) return RegistryWatch.DefaultInterval;
        if (!double.IsFinite(value) || value < 0.05 || value > 3600)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--refresh must be a number of seconds from 0.05 to 3600 (got {value})"));
        return TimeSpan.FromSeconds(value);
    }
}
