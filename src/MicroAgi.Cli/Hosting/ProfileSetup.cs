using MicroAgi.Agents.Profiles;
using MicroAgi.Llm.Providers;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// Opens the profile a session runs with and lays it over microagi.yaml: the command line wins over the profile, the
/// profile over microagi.yaml (docs/profiles.md).
/// </summary>
internal static class ProfileSetup
{
    public const string DirectoryName = "profiles";

    public static string ProfilesDirectory(HostSettings host) => Path.Combine(host.StateDirectory, DirectoryName);

    /// <summary>
    /// The profile <paramref name="id"/>, or the default profile (created on first use) when none is named. An
    /// ephemeral run writes nothing to the state directory, so without <c>--profile</c> it has no profile.
    /// </summary>
    /// <exception cref="ConfigException">The named profile is missing or its config.json is not valid.</exception>
    public static AgentProfile? Open(HostSettings host, string? id)
    {
        var directory = ProfilesDirectory(host);
        try
        {
            if (id is not null) return AgentProfile.Load(directory, id);
            if (host.Ephemeral) return null;
            return AgentProfile.List(directory).Contains(AgentProfile.DefaultId)
                ? AgentProfile.Load(directory, AgentProfile.DefaultId)
                : AgentProfile.Create(directory, AgentProfile.DefaultId, "Default");
        }
        catch (ProfileException ex)
        {
            throw new ConfigException(ex.Message, ex);
        }
    }

    /// <summary>
    /// The profile a run would use, for commands that only read it: the named one, else the default profile
    /// when it exists (one that does not exist yet has no rules, and a read creates nothing).
    /// </summary>
    /// <exception cref="ConfigException">The named profile is missing or its config.json is not valid.</exception>
    public static AgentProfile? Existing(HostSettings host, string? id)
    {
        if (id is not null || host.Ephemeral) return Open(host, id);
        return AgentProfile.List(ProfilesDirectory(host)).Contains(AgentProfile.DefaultId) ? Open(host, null) : null;
    }

    /// <summary>Lays the profile's model, approval mode, workspace and self_evolution over microagi.yaml's.</summary>
    public static void Apply(AgentProfile? profile, MicroAgiConfig config)
    {
        if (profile is null) return;
        config.Model = profile.Model ?? config.Model;
        config.Tools.Approval = profile.Approval ?? config.Tools.Approval;
        config.Tools.Workspace = profile.Workspace ?? config.Tools.Workspace;
        config.Tools.SelfEvolution = profile.SelfEvolution ?? config.Tools.SelfEvolution;
    }

    /// <summary>The providers, narrowed to the one the profile names (its configured id, or openai / anthropic).</summary>
    /// <exception cref="ConfigException">No configured provider has that name.</exception>
    public static IReadOnlyList<ProviderSettings> Providers(AgentProfile? profile, IReadOnlyList<ProviderSettings> providers)
    {
        if (profile?.Provider is not { } wanted) return providers;
        var chosen = providers.Where(p => string.Equals(ToolPolicySetup.ProviderName(p), wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        if (chosen.Count > 0) return chosen;
        throw new ConfigException($"profile '{profile.Id}' runs on provider '{wanted}', but the configured providers are "
            + $"{string.Join(", ", providers.Select(ToolPolicySetup.ProviderName))}; configure it (docs/configuration.md) or change \"provider\" in {Path.Combine(profile.Directory, AgentProfile.ConfigFile)}");
    }
}
