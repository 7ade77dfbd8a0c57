using System.Text;
using System.Text.Json.Nodes;
using MicroAgi.Agents.Runtime;
using MicroAgi.Functions.Tools;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Self;

public sealed partial class SelfTool
{
    /// <summary>list_tools: the tools the next step offers, and those unregistered in this session.</summary>
    private SelfOutcome ListTools()
    {
        var offered = SessionSurface.Offered(_session);
        var text = new StringBuilder().Append("Tools (").Append(offered.Count).AppendLine("):");
        foreach (var tool in offered) text.Append("  ").Append(tool.LlmName).Append(": ").AppendLine(FirstLine(tool.Description));
        if (Tuning.UnregisteredTools.Count > 0)
            text.Append("Unregistered (").Append(Tuning.UnregisteredTools.Count).Append("): ").AppendLine(string.Join(", ", Tuning.UnregisteredTools));
        return SelfOutcome.Done(text.ToString().TrimEnd(), "list_tools");
    }

    /// <summary>manage_tool: unregister an active tool, or register again one this session unregistered.</summary>
    private SelfOutcome ManageTool(string? name, string? manageAction)
    {
        var subject = $"{manageAction} {name}".Trim();
        if (name is null) return SelfOutcome.Fail("manage_tool", subject, "manage_tool needs 'name' (a tool name from list_tools) and 'manage_action' (register or unregister)");
        var granted = _session.Context.Resolve().Tools.Select(f => f.Tool).ToList();
        switch (manageAction)
        {
            case "unregister":
            {
                var tool = granted.FirstOrDefault(t => Names(t, name));
                if (tool is null) return SelfOutcome.Fail("manage_tool", subject, $"no tool '{name}' is active; active tools: {Listed(SessionSurface.Offered(_session).Select(t => t.LlmName))}");
                if (tool.Id == AgentSettings.SelfToolId)
                    return SelfOutcome.Fail("manage_tool", subject, "'self' cannot be unregistered: it is how you change your runtime, and without it you would be locked out");
                if (SelfWatchdog.CriticalTools.Contains(tool.Id))
                    return SelfOutcome.Fail("manage_tool", subject, $"'{tool.LlmName}' cannot be unregistered: it is a critical tool (without it no new tool can be loaded)");
                if (!Tuning.Unregister(tool.Id)) return SelfOutcome.Fail("manage_tool", subject, $"'{tool.LlmName}' is already unregistered");
                return SelfOutcome.Done($"Unregistered tool '{tool.LlmName}' (from the next step)", $"manage_tool unregister {tool.LlmName}", new JsonObject { ["tool"] = tool.Id.ToString() });
            }
            case "register":
            {
                EntryId? unregistered = Tuning.UnregisteredTools.Where(i => i.ToString() == name || granted.Any(t => t.Id == i && Names(t, name))).Cast<EntryId?>().FirstOrDefault();
                if (unregistered is not { } id)
                {
                    return SelfOutcome.Fail("manage_tool", subject, granted.Any(t => Names(t, name))
                        ? $"'{name}' is registered already"
                        : $"'{name}' was not unregistered in this session; register only brings back a tool you unregistered (load_tool adds a new one, within your grants)");
                }
                Tuning.Reregister(id);
                var binding = granted.FirstOrDefault(t => t.Id == id);
                if (binding is null)
                    return SelfOutcome.Fail("manage_tool", subject, $"'{name}' is no longer granted to this agent, so it stays unavailable");
                return SelfOutcome.Done($"Re-registered tool '{binding.LlmName}' (from the next step)", $"manage_tool register {binding.LlmName}", new JsonObject { ["tool"] = id.ToString() });
            }
            default:
                return SelfOutcome.Fail("manage_tool", subject, $"manage_action must be 'register' or 'unregister', not '{manageAction}'");
        }
    }

    private static bool Names(ToolEntry tool, string name) =>
        string.Equals(tool.LlmName, name, StringComparison.Ordinal) || tool.Id.ToString() == name;

    private static string FirstLine(string text)
    {
        var line = text.ReplaceLineEndings("\n").Split('\n')[0];
        return line.Length <= 160 ? line : line[..160] + "…";
    }
}
