using System.Globalization;
using System.Text.Json.Nodes;
using MicroAgi.Agents.Tools;

namespace MicroAgi.Agents.Self;

/// <summary>
/// Publishes the tools that reach the machine: their settings as the user configured them (read-only:
/// the workspace, approval mode, shell and web bounds are the user's fence) under <c>tools.settings</c>,
/// and the running subagents under <c>subagents.active</c>, with <c>cancel</c> to stop one.
/// </summary>
public static class MachineSurface
{
    /// <summary>How much of a subagent's task the surface shows: enough to recognise it.</summary>
    private const int TaskPreviewChars = 200;

    public static void Publish(SurfaceNode root, MachineAccess machine)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(machine);
        PublishSettings(root.Node("tools", "The agent's tools").Node("settings", "How the built-in tools are configured (microagi.yaml tools; read-only)"), machine);
        PublishSubagents(root.Node("subagents", "Child agents started by sessions_spawn"), machine);
    }

    private static void PublishSettings(SurfaceNode settings, MachineAccess machine)
    {
        settings.Add(new SurfaceProperty("workspace", "Where read, write, edit, glob, exec and process may work", () => machine.Workspace.FullPath));
        settings.Add(new SurfaceProperty("approval", "Which changes need the user's yes (ask, auto_edit, full_auto)", () => machine.Approval.Mode.ToString()));
        var shell = machine.Shell.Options;
        settings.Add(new SurfaceProperty("exec", "exec and process: lifetimes, output cap, sandbox", () => new JsonObject
        {
            ["timeout_seconds"] = shell.DefaultTimeout.TotalSeconds,
            ["max_timeout_seconds"] = shell.MaxTimeout.TotalSeconds,
            ["background_after_seconds"] = shell.YieldAfter.TotalSeconds,
            ["output_cap_bytes"] = shell.OutputCapBytes,
            ["max_background_processes"] = shell.MaxBackgroundProcesses,
            ["sandboxed"] = machine.Shell.Sandbox.IsActive,
            ["network"] = shell.AllowNetwork,
        }));
        var web = machine.Web;
        settings.Add(new SurfaceProperty("web", "web_fetch and web_search: bounds and the search provider", () => new JsonObject
        {
            ["max_characters"] = web.MaxCharacters,
            ["max_redirects"] = web.MaxRedirects,
            ["timeout_seconds"] = web.Timeout.TotalSeconds,
            ["cache_seconds"] = web.CacheFor.TotalSeconds,
            ["search_provider"] = web.Search?.Kind,
            ["allowed_networks"] = new JsonArray([.. web.AllowedNetworks.Select(n => (JsonNode)n)]),
        }));
    }

    private static void PublishSubagents(SurfaceNode subagents, MachineAccess machine)
    {
        var launcher = machine.Subagents;
        subagents.Add(new SurfaceProperty("active", "The children running now: id, task, when they started", () =>
            new JsonArray([.. launcher.Running.Select(r => (JsonNode)new JsonObject
            {
                ["id"] = r.Id,
                ["task"] = r.Task.Length <= TaskPreviewChars ? r.Task : r.Task[..TaskPreviewChars] + "…",
                ["started"] = r.Started.ToString("O", CultureInfo.InvariantCulture),
                ["elapsed_seconds"] = Math.Round((DateTimeOffset.UtcNow - r.Started).TotalSeconds, 1),
            })])));
        subagents.Add(new SurfaceProperty("max_concurrent", "Children that may run at once", () => launcher.Options.MaxConcurrent));
        subagents.Add(new SurfaceProperty("timeout_seconds", "A child's timeout when sessions_spawn names none", () => launcher.Options.DefaultTimeout.TotalSeconds));
        subagents.Add(new SurfaceProperty("max_timeout_seconds", "The longest timeout sessions_spawn may ask for", () => launcher.Options.MaxTimeout.TotalSeconds));
        subagents.Add(new SurfaceMethod("cancel", "Stops a running child; its parent's sessions_spawn call ends with an error",
            new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { ["id"] = new JsonObject { ["type"] = "string", ["description"] = "The child's id, e.g. s1" } },
                ["required"] = new JsonArray("id"),
            },
            (arguments, _) =>
            {
                var id = (string)arguments["id"]!;
                var result = launcher.Cancel(id)
                    ? new JsonObject { ["cancelled"] = id }
                    : new JsonObject { ["error"] = $"no running subagent '{id}'; running: {string.Join(", ", launcher.Running.Select(r => r.Id).DefaultIfEmpty("none"))}" };
                return Task.FromResult<JsonNode?>(result);
            }));
    }
}
