using System.CommandLine;
using System.Text.Json.Nodes;
using MicroAgi.Cli.Hosting;
using MicroAgi.Security;
using Spectre.Console;

namespace MicroAgi.Cli.Commands;

/// <summary><c>microagi policy check</c>: evaluate a named policy scope the way create_tool does.</summary>
internal static class PolicyCommands
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("policy", "Evaluate security policies");
        command.Add(Check(cli));
        return command;
    }

    private static Command Check(CliContext cli)
    {
        var scope = new Option<string>("--scope") { Description = "The policy group, namespace:group (e.g. app:agent_security)", Required = true };
        var actor = new Option<string>("--actor") { Description = "The actor id (e.g. service:agent)", Required = true };
        var actorMeta = new Option<string[]>("--actor-meta") { Description = "Actor meta as key=value; repeat for more (e.g. role=agent)", AllowMultipleArgumentsPerToken = false };
        var action = new Option<string>("--action") { Description = "The action (e.g. create)", Required = true };
        var resource = new Option<string>("--resource") { Description = "The resource, usually an entry id (e.g. app.generated:clock)", Required = true };
        var command = new Command("check", "Print allow, deny or undefined for one request, and which policy decided") { scope, actor, actorMeta, action, resource };
        command.SetAction(async (result, ct) =>
        {
            await using var registry = await RegistryHost.OpenForReadingAsync(cli.Options.Read(result), ct);
            var meta = new JsonObject();
            foreach (var pair in result.GetValue(actorMeta) ?? [])
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0) throw new UsageException($"--actor-meta '{pair}' is not key=value (e.g. --actor-meta role=agent)");
                meta[pair[..equals]] = pair[(equals + 1)..];
            }
            var decision = new SecurityScopes(registry)
                .NamedScope(result.GetValue(scope)!)
                .Decide(new Actor(result.GetValue(actor)!, meta), result.GetValue(action)!, result.GetValue(resource)!);
            var word = decision.Result.ToString().ToLowerInvariant();
            cli.Out.WriteLine(decision.DecidedBy is { } by ? $"{word} (by {by})" : word);
            return 0;
        });
        return command;
    }
}
