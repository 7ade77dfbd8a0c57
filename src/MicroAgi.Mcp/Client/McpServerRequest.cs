using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Agents.Tools.Generated;

namespace MicroAgi.Mcp.Client;

/// <summary>
/// The arguments of <c>add_mcp_server {name, command, args?, description?}</c>, checked for shape and for the
/// tricks that could make an allowlisted command line run something else: a command with spaces or
/// control characters, and every other field of an <c>mcp.server</c> entry (<c>env</c>, <c>cwd</c>,
/// <c>url</c>, <c>headers</c>), which an agent may not set. Whether the command line may run is
/// <see cref="McpCommandAllowlist"/>'s decision, made by <see cref="McpServerWriter"/>.
/// </summary>
public sealed record McpServerRequest(string Name, string Command, IReadOnlyList<string> Arguments, string? Description)
{
    /// <summary>A server name short enough that its tools' names (<c>mcp_&lt;name&gt;_&lt;tool&gt;</c>, at most 64) have room.</summary>
    public const int MaxNameLength = 24;
    public const int MaxCommandLength = 256;
    public const int MaxArguments = 32;
    public const int MaxArgumentLength = 1_000;
    public const int MaxDescriptionLength = 4_000;

    private static readonly string[] Fields = ["name", "command", "args", "description"];

    /// <summary>Returns null with <paramref name="error"/> saying what is wrong and what to give instead.</summary>
    public static McpServerRequest? FromArguments(JsonNode? arguments, out string? error)
    {
        if (arguments is not JsonObject args)
        {
            error = "arguments must be an object: {\"name\": \"everything\", \"command\": \"npx\", \"args\": [\"-y\", \"@modelcontextprotocol/server-everything\"]}";
            return null;
        }
        if (args.Select(p => p.Key).FirstOrDefault(key => !Fields.Contains(key, StringComparer.Ordinal)) is { } unknown)
        {
            error = UnknownField(unknown);
            return null;
        }
        if (!TryText(args, "name", required: true, out var name, out error)
            || !TryText(args, "command", required: true, out var command, out error)
            || !TryText(args, "description", required: false, out var description, out error)
            || !TryArguments(args["args"], out var arguments2, out error))
        {
            return null;
        }
        error = NameProblem(name!) ?? CommandProblem(command!) ?? DescriptionProblem(description);
        return error is null ? new McpServerRequest(name!, command!, arguments2, description) : null;
    }

    private static string UnknownField(string field) => field switch
    {
        "env" or "cwd" => $"'{field}' cannot be given: a server an agent adds runs with MicroAgi's environment and working directory, since a PATH or a directory could swap the program that runs",
        "url" or "headers" => $"'{field}' cannot be given: an agent adds only servers started by a command line the user listed in {McpCommandAllowlist.Setting}; the user adds servers reached over HTTP (docs/mcp.md)",
        _ => $"'{GeneratedToolName.Printable(field)}' is not an argument of add_mcp_server; give name, command, args and description only",
    };

    private static string? NameProblem(string name)
    {
        if (name.Length > MaxNameLength)
            return Invariant($"name is {name.Length} characters long, at most {MaxNameLength} are allowed, so that its tools' names (mcp_<name>_<tool>) stay within 64 characters");
        return GeneratedToolName.Problem(name);
    }

    private static string? CommandProblem(string command)
    {
        if (command.Length > MaxCommandLength) return Invariant($"command is {command.Length} characters long, at most {MaxCommandLength} are allowed");
        if (command.Any(char.IsControl)) return $"command '{GeneratedToolName.Printable(command)}' contains a control character; give one program, e.g. \"npx\"";
        if (command.Any(char.IsWhiteSpace))
            return $"command '{GeneratedToolName.Printable(command)}' contains whitespace: give one program in 'command' and each of its arguments in 'args', e.g. {{\"command\": \"npx\", \"args\": [\"-y\", \"@modelcontextprotocol/server-everything\"]}}; no shell runs the command line";
        return null;
    }

    /// <summary>A description is shown in the terminal (<c>registry show</c>): no escape sequences in it.</summary>
    private static string? DescriptionProblem(string? description)
    {
        if (description is null) return null;
        if (description.Length > MaxDescriptionLength) return Invariant($"description is {description.Length} characters long, at most {MaxDescriptionLength} are allowed");
        return description.Any(c => char.IsControl(c) && c is not ('\n' or '\t'))
            ? "description contains a control character (only line breaks and tabs are allowed); write plain text"
            : null;
    }

    private static bool TryText(JsonObject args, string name, bool required, out string? value, out string? error)
    {
        value = null;
        error = null;
        var node = args[name];
        if (node is null)
        {
            if (required) error = $"'{name}' is required";
            return !required;
        }
        if (node.GetValueKind() != JsonValueKind.String || node.GetValue<string>().Length == 0)
        {
            error = $"'{name}' must be a non-empty string";
            return false;
        }
        value = node.GetValue<string>();
        return true;
    }

    private static bool TryArguments(JsonNode? node, out IReadOnlyList<string> arguments, out string? error)
    {
        arguments = [];
        error = null;
        if (node is null) return true;
        if (node is not JsonArray list || list.Any(item => item is null || item.GetValueKind() != JsonValueKind.String))
        {
            error = "'args' must be a list of strings, e.g. [\"-y\", \"@modelcontextprotocol/server-everything\"]";
            return false;
        }
        var words = list.Select(item => item!.GetValue<string>()).ToList();
        if (words.Count > MaxArguments) error = Invariant($"'args' has {words.Count} items, at most {MaxArguments} are allowed");
        else if (words.FindIndex(w => w.Length > MaxArgumentLength) is var tooLong and >= 0) error = Invariant($"args[{tooLong}] is {words[tooLong].Length} characters long, at most {MaxArgumentLength} are allowed");
        else if (words.FindIndex(w => w.Any(char.IsControl)) is var control and >= 0) error = Invariant($"args[{control}] ('{GeneratedToolName.Printable(words[control])}') contains a control character");
        if (error is not null) return false;
        arguments = words;
        return true;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
