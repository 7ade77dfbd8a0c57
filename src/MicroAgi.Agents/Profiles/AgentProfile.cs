using System.Text.Json;
using System.Text.RegularExpressions;
using MicroAgi.Agents.Policy;

namespace MicroAgi.Agents.Profiles;

/// <summary>
/// An agent profile: a directory <c>&lt;state dir&gt;/profiles/&lt;id&gt;/</c> holding <c>config.json</c> (name, tool policy,
/// provider, model, approval mode, workspace, self_evolution), the prompt files <c>soul.md</c>, <c>user.md</c> and
/// <c>workspace.md</c>, and the agent's file memory (<c>memory.md</c>, <c>memory/*.md</c>). See docs/profiles.md.
/// </summary>
public sealed partial record AgentProfile
{
    public const string DefaultId = "default";
    public const string ConfigFile = "config.json";
    public const string MemoryFileName = "memory.md";
    public const string MemoryDirectoryName = "memory";

    /// <summary>The prompt files, in the order they go into the system prompt.</summary>
    public static IReadOnlyList<string> PromptFiles { get; } = ["soul.md", "user.md", "workspace.md"];

    public required string Id { get; init; }

    /// <summary>The profile's directory (absolute).</summary>
    public required string Directory { get; init; }

    /// <summary>The display name (<c>name</c>), else the id.</summary>
    public required string Name { get; init; }

    /// <summary>The profile's tool policy: <c>tools.allow/deny</c> (global), <c>tools.byProvider</c>, <c>tools.subagents.deny</c>.</summary>
    public ToolPolicy Tools { get; init; } = ToolPolicy.Open;

    /// <summary>The provider the session must run on (a configured provider id, or openai / anthropic).</summary>
    public string? Provider { get; init; }

    public string? Model { get; init; }

    /// <summary>ask, auto-edit or full-auto.</summary>
    public string? Approval { get; init; }

    /// <summary>The directory the file tools and commands work in (relative paths are relative to the profile).</summary>
    public string? Workspace { get; init; }

    public bool? SelfEvolution { get; init; }

    public string MemoryFile => Path.Combine(Directory, MemoryFileName);

    public string MemoryDirectory => Path.Combine(Directory, MemoryDirectoryName);

    /// <summary>Why <paramref name="id"/> cannot name a profile, or null.</summary>
    public static string? IdProblem(string id) =>
        ValidId().IsMatch(id) ? null : $"the profile id '{id}' must be 1-64 of a-z, 0-9, '-' and '_', starting with a letter or digit";

    /// <summary>The ids of the profiles under <paramref name="profilesDirectory"/>, sorted.</summary>
    public static IReadOnlyList<string> List(string profilesDirectory) =>
        System.IO.Directory.Exists(profilesDirectory)
            ? [.. System.IO.Directory.GetDirectories(profilesDirectory).Select(Path.GetFileName).OfType<string>().Where(n => IdProblem(n) is null).Order(StringComparer.Ordinal)]
            : [];

    /// <summary>Reads the profile <paramref name="id"/>.</summary>
    /// <exception cref="ProfileException">It does not exist, or its config.json is not valid (each problem is named).</exception>
    public static AgentProfile Load(string profilesDirectory, string id)
    {
        if (IdProblem(id) is { } problem) throw new ProfileException(problem);
        var directory = Path.GetFullPath(Path.Combine(profilesDirectory, id));
        if (!System.IO.Directory.Exists(directory))
        {
            var known = List(profilesDirectory);
            throw new ProfileException($"there is no profile '{id}' (in {profilesDirectory}); "
                + (known.Count == 0 ? "create one with 'microagi profile new " + id + "'" : $"the profiles are {string.Join(", ", known)}, or create it with 'microagi profile new {id}'"));
        }
        var configPath = Path.Combine(directory, ConfigFile);
        if (!File.Exists(configPath)) return new AgentProfile { Id = id, Directory = directory, Name = id };
        return ProfileConfigReader.Read(id, directory, configPath);
    }

    /// <summary>Creates the profile's directory with a starting config.json, prompt files and an empty memory.</summary>
    /// <exception cref="ProfileException">The id is not valid or the profile exists.</exception>
    public static AgentProfile Create(string profilesDirectory, string id, string? name = null)
    {
        if (IdProblem(id) is { } problem) throw new ProfileException(problem);
        var directory = Path.GetFullPath(Path.Combine(profilesDirectory, id));
        if (System.IO.Directory.Exists(directory)) throw new ProfileException($"the profile '{id}' already exists ({directory}); see it with 'microagi profile show {id}'");
        System.IO.Directory.CreateDirectory(Path.Combine(directory, MemoryDirectoryName));
        var config = new Dictionary<string, object> { ["name"] = name ?? id, ["tools"] = new Dictionary<string, object>() };
        File.WriteAllText(Path.Combine(directory, ConfigFile), JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.WriteAllText(Path.Combine(directory, "soul.md"), "<!-- soul.md: who the agent is and how it works (tone, values, habits). Text outside comments goes into the system prompt. -->\n");
        File.WriteAllText(Path.Combine(directory, "user.md"), "<!-- user.md: who the agent works for (name, role, preferences). Text outside comments goes into the system prompt. -->\n");
        File.WriteAllText(Path.Combine(directory, "workspace.md"), "<!-- workspace.md: what the workspace is and its conventions. Text outside comments goes into the system prompt. -->\n");
        File.WriteAllText(Path.Combine(directory, MemoryFileName), "");
        return Load(profilesDirectory, id);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex ValidId();
}

/// <summary>A profile that cannot be used, with what to do about it.</summary>
public sealed class ProfileException(string message) : Exception(message);
