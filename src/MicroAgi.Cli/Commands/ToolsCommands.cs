using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Agents.Tools.Generated;
using MicroAgi.Cli.Hosting;
using MicroAgi.Registry;

namespace MicroAgi.Cli.Commands;

/// <summary><c>microagi tools call|create</c>: run any tool by id, and write a generated tool from files.</summary>
internal static class ToolsCommands
{
    private static readonly JsonSerializerOptions Indented = ReadableJson.Indented;

    public static Command Create(CliContext cli)
    {
        var command = new Command("tools", "Call tools, write generated Lua tools (the same code path as the agent's create_tool), list tools and groups as the tool policy filters them");
        command.Add(Call(cli));
        command.Add(CreateTool(cli));
        command.Add(ToolPolicyCommands.List(cli));
        command.Add(ToolPolicyCommands.Groups(cli));
        return command;
    }

    private static Command Call(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The tool's entry id, e.g. app.generated:current_time_utc or app.tools:doc_search" };
        var json = new Argument<string>("arguments") { Description = "The arguments as a JSON object", DefaultValueFactory = _ => "{}" };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds a Lua tool may run before it is stopped (default: sandbox.timeout_seconds, else 5)", CustomParser = NumberArguments.Number };
        var config = ConfigOption();
        var command = new Command("call", "Call a tool and print its JSON result (errors go to stderr, exit code 1)") { id, json, timeout, config };
        command.SetAction(async (result, ct) =>
        {
            var entryId = CliArguments.EntryId(result.GetValue(id)!);
            var arguments = ParseJson(result.GetValue(json)!, "arguments");
            var host = cli.Options.Read(result);
            var settings = MicroAgiConfig.For(host, result.GetValue(config)?.FullName);
            await using var registry = await RegistryHost.OpenForReadingAsync(host, ct);
            // The user typed this call: it is its own approval (commands still run in the sandbox).
            var machine = MachineSetup.Create(settings, host, Agents.Approval.ApprovalMode.FullAuto, prompt: null);
            using var tools = ToolHost.Create(registry, SandboxOptions.From(settings.Sandbox, TimeoutOverride(result.GetValue(timeout))), remoteDocs: settings.Docs, machine: machine);
            var call = await tools.Functions.CallAsync(entryId, arguments, ct);
            if (call.Logs.Length > 0) cli.RawErr.Write(call.Logs.EndsWith('\n') ? call.Logs : call.Logs + "\n");
            if (!call.IsSuccess) return Fail(cli, call.Error!);
            cli.RawOut.WriteLine(call.Value is null ? "null" : call.Value.ToJsonString(Indented));
            return 0;
        });
        return command;
    }

    private static Command CreateTool(CliContext cli)
    {
        var name = new Option<string>("--name") { Description = "Tool name: 1-64 of a-z, 0-9, _ starting with a letter; written as app.generated:<name>", Required = true };
        var source = new Option<FileInfo>("--source") { Description = "Lua file defining handler(input) and ending with `return { handler = handler }`", Required = true };
        var schema = new Option<FileInfo?>("--schema") { Description = "JSON file with the JSON Schema of the input object (default: no arguments)" };
        var modules = new Option<string?>("--modules") { Description = "Modules the source may require, comma-separated, e.g. time,json" };
        var description = new Option<string?>("--description") { Description = "What the tool does (shown to the model)" };
        var tests = new Option<FileInfo?>("--tests") { Description = "JSON file with test cases [{\"input\": {...}, \"expect\": ...}] that must pass before writing" };
        var config = ConfigOption();
        var command = new Command("create", "Write the Lua tool app.generated:<name> (create, or a new version), after the same checks and policy as create_tool")
        {
            name, source, schema, modules, description, tests, config,
        };
        command.SetAction(async (result, ct) =>
        {
            var arguments = new JsonObject
            {
                ["name"] = result.GetValue(name),
                ["source"] = await File.ReadAllTextAsync(result.GetValue(source)!.FullName, ct),
                ["modules"] = new JsonArray([.. SplitModules(result.GetValue(modules)).Select(m => (JsonNode)JsonValue.Create(m))]),
            };
            if (result.GetValue(description) is { } text) arguments["description"] = text;
            if (result.GetValue(schema) is { } schemaFile) arguments["schema"] = await ReadJsonFileAsync(schemaFile, ct);
            if (result.GetValue(tests) is { } testsFile) arguments["tests"] = await ReadJsonFileAsync(testsFile, ct);
            var request = GeneratedToolRequest.FromArguments(arguments, out var error);
            if (request is null) return Fail(cli, error!);

            var host = cli.Options.Read(result);
            var sandbox = MicroAgiConfig.For(host, result.GetValue(config)?.FullName).Sandbox;
            await using var registry = await RegistryHost.OpenAsync(host, ct);
            // The sandbox the tool's test cases run in is the one the agent will call it in.
            using var tools = ToolHost.Create(registry, SandboxOptions.From(sandbox));
            var outcome = await tools.Writer.WriteAsync(request, "microagi tools create", ct);
            if (!outcome.IsSuccess) return Fail(cli, outcome.Error!);
            var written = outcome.Id!.Value;
            cli.RawOut.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(outcome.Updated ? "updated" : "created")} {written} (registry version {outcome.Version}{(outcome.TestsPassed > 0 ? $", {outcome.TestsPassed} tests passed" : "")})"));
            cli.RawOut.WriteLine($"call it with: microagi tools call {written} '{{...}}'");
            return 0;
        });
        return command;
    }

    private static Option<FileInfo?> ConfigOption() =>
        new("--config") { Description = "A microagi.yaml to use instead of the one in the state directory (its sandbox section applies)" };

    private static TimeSpan? TimeoutOverride(double? timeoutSeconds)
    {
        if (timeoutSeconds is not { } seconds) return null;
        if (!double.IsFinite(seconds) || seconds <= 0 || seconds > 3600)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--timeout must be a number of seconds above 0 and at most 3600 (got {seconds})"));
        return TimeSpan.FromSeconds(seconds);
    }

    private static IEnumerable<string> SplitModules(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static JsonNode? ParseJson(string text, string what)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new UsageException($"{what} are not valid JSON ({e.Message}); pass a JSON object such as '{{\"zone\": \"UTC\"}}'", e);
        }
    }

    private static async Task<JsonNode?> ReadJsonFileAsync(FileInfo file, CancellationToken ct)
    {
        var text = await File.ReadAllTextAsync(file.FullName, ct);
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{file.Name} is not valid JSON: {e.Message}", e);
        }
    }

    private static int Fail(CliContext cli, string message)
    {
        cli.RawErr.WriteLine("error: " + message);
        return ExitCodes.Failure;
    }
}
