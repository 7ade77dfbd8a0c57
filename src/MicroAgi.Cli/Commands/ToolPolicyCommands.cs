using System.CommandLine;
using MicroAgi.Agents.Definitions;
using MicroAgi.Agents.Policy;
using MicroAgi.Agents.Runtime;
using MicroAgi.Cli.Hosting;
using MicroAgi.Registry;

namespace MicroAgi.Cli.Commands;

/// <summary>
/// <c>microagi tools list</c> (what an agent is offered, and what the tool policy filters out at which layer)
/// and <c>microagi tools groups</c> (the groups and their tools). See docs/policy.md.
/// </summary>
internal static class ToolPolicyCommands
{
    public static Command List(CliContext cli)
    {
        var allow = ToolPolicySetup.NamesOption("--allow", "Only these tools (names, aliases, patterns such as web_*, groups such as group:fs); comma-separated or repeated");
        var deny = ToolPolicySetup.NamesOption("--deny", "Never these tools (deny wins over allow); comma-separated or repeated");
        var provider = new Option<string?>("--provider") { Description = "Apply the byProvider rules of this provider (default: the provider the configuration would use)" };
        var subagent = new Option<bool>("--subagent") { Description = "Show what a subagent of this agent gets (never sessions_spawn, nothing the parent lacks)" };
        var agent = new Option<string?>("--agent") { Description = "The agent whose tools to list (default app:dev_assistant)" };
        var config = new Option<FileInfo?>("--config") { Description = "A microagi.yaml to use instead of the one in the state directory" };
        var profileId = new Option<string?>("--profile") { Description = "Start from this profile's tool policy (--allow/--deny narrow it); default: the default profile, as run uses" };
        var command = new Command("list", "List the tools an agent is offered and those the tool policy filters out, with the layer and reason")
        {
            allow, deny, provider, subagent, agent, config, profileId,
        };
        command.SetAction(async (result, ct) =>
        {
            var host = cli.Options.Read(result);
            var settings = MicroAgiConfig.For(host, result.GetValue(config)?.FullName);
            var profile = ProfileSetup.Existing(host, result.GetValue(profileId));
            ProfileSetup.Apply(profile, settings);
            await using var registry = await RegistryHost.OpenForReadingAsync(host, ct);
            var snapshot = registry.Snapshot();
            var agentId = CliArguments.EntryId(result.GetValue(agent) ?? settings.Agent ?? "app:dev_assistant");
            var definition = AgentDefinition.FromEntry(snapshot.Get(agentId)
                ?? throw new UsageException($"agent '{agentId}' is not in the registry (see 'microagi registry list --type agent.gen1')"));
            var catalog = ToolCatalog.FromRegistry(snapshot);
            var policy = ToolPolicySetup.Narrowed(profile?.Tools ?? ToolPolicy.Open, result, allow, deny);
            var compiled = ToolPolicySetup.Compile(policy, catalog);
            foreach (var problem in compiled.Problems) cli.RawErr.WriteLine("warning: " + problem);

            var (tools, unresolved) = ToolResolver.ResolveEntries(snapshot, definition.Tools);
            var selfOff = !settings.Tools.SelfEvolution;
            var offered = tools.Where(t => !(selfOff && t.Id == AgentSettings.SelfToolId)).Select(t => catalog.Tools.First(c => c.Id == t.Id)).ToList();
            var (providerName, why) = result.GetValue(provider) is { } given
                ? (given, (string?)null)
                : profile?.Provider is { } profileProvider ? (profileProvider, null)
                : ToolPolicySetup.ProviderFor(settings, registry, settings.Model ?? definition.Model ?? "reasoning");
            var context = new ToolPolicyContext(providerName);
            var filtered = compiled.Filter(offered, context);
            if (result.GetValue(subagent))
            {
                filtered = compiled.Filter(offered, context with { ParentTools = filtered.Allowed.Select(t => t.Id).ToHashSet() });
            }

            cli.RawOut.WriteLine($"agent {agentId}{(profile is null ? "" : $" · profile {profile.Id}")} · provider {providerName ?? $"unknown ({why}; pass --provider)"}{(result.GetValue(subagent) ? " · as a subagent" : "")}");
            cli.RawOut.WriteLine($"offered ({filtered.Allowed.Count}):");
            foreach (var tool in filtered.Allowed) cli.RawOut.WriteLine($"  {tool.Name,-16} {tool.Id,-28} {GroupsOf(tool, catalog)}");
            var off = tools.Where(t => selfOff && t.Id == AgentSettings.SelfToolId).ToList();
            if (filtered.Removed.Count + off.Count + unresolved.Count > 0) cli.RawOut.WriteLine($"filtered out ({filtered.Removed.Count + off.Count + unresolved.Count}):");
            foreach (var removed in filtered.Removed) cli.RawOut.WriteLine($"  {removed.Tool.Name,-16} {Layer(removed.Layer),-9} {removed.Reason}");
            foreach (var tool in off) cli.RawOut.WriteLine($"  {tool.LlmName,-16} {"config",-9} off until tools.self_evolution is true in microagi.yaml");
            foreach (var problem in unresolved) cli.RawOut.WriteLine($"  {problem.Tool,-16} {"agent",-9} {problem.Reason}");
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Groups(CliContext cli)
    {
        var command = new Command("groups", "List the tool groups (group:<name>) and the tools in each");
        command.SetAction(async (result, ct) =>
        {
            var host = cli.Options.Read(result);
            await using var registry = await RegistryHost.OpenForReadingAsync(host, ct);
            var catalog = ToolCatalog.FromRegistry(registry.Snapshot());
            foreach (var problem in catalog.Problems) cli.RawErr.WriteLine("warning: " + problem);
            foreach (var group in catalog.Groups)
            {
                var members = Members(group, catalog);
                cli.RawOut.WriteLine($"{group.Name,-18} {(members.Count == 0 ? "(no tools yet)" : string.Join(", ", members))}");
                cli.RawOut.WriteLine($"{"",-18} {group.Description ?? group.Id.ToString()} — lists {string.Join(", ", group.Members)} ({group.Id})");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The names of the catalog's tools in <paramref name="group"/>.</summary>
    private static List<string> Members(ToolGroup group, ToolCatalog catalog)
    {
        var selector = ToolSelector.Resolve(group.Name, catalog, group.Name, new List<string>());
        return [.. catalog.Tools.Where(selector.Matches).Select(t => t.Name).Order(StringComparer.Ordinal)];
    }

    private static string GroupsOf(PolicyTool tool, ToolCatalog catalog) =>
        string.Join(" ", catalog.Groups.Where(g => ToolSelector.Resolve(g.Name, catalog, g.Name, new List<string>()).Matches(tool)).Select(g => g.Name));

    private static string Layer(ToolPolicyLayer layer) => layer switch
    {
        ToolPolicyLayer.Global => "global",
        ToolPolicyLayer.Provider => "provider",
        _ => "subagent",
    };
}
