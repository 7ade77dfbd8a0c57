using System.CommandLine;
using MicroAgi.Agents.Policy;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;
using MicroAgi.Registry;

namespace MicroAgi.Cli.Hosting;

/// <summary>The command line's part of the tool policy: the names given to allow/deny options, and the provider in use.</summary>
internal static class ToolPolicySetup
{
    /// <summary>
    /// <paramref name="policy"/> narrowed by an allow and a deny option. An option not given adds no rule; given empty
    /// (<c>--tools-allow ""</c>) it is an explicit empty allow list, which allows nothing. Both options take repeated
    /// values and comma-separated lists (<c>--tools-allow group:fs,exec</c>).
    /// </summary>
    public static ToolPolicy Narrowed(ToolPolicy policy, ParseResult result, Option<string[]> allow, Option<string[]> deny)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy
            .Narrowed(new ToolRules(allow.Name, Names(result, allow)) { AllowSource = allow.Name })
            .Narrowed(new ToolRules(deny.Name, Deny: Names(result, deny)) { DenySource = deny.Name });
    }

    private static List<string>? Names(ParseResult result, Option<string[]> option) =>
        result.GetResult(option) is null
            ? null
            : [.. (result.GetValue(option) ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    /// <summary>An allow or deny option, as <c>tools list</c> and <c>run</c> take them.</summary>
    public static Option<string[]> NamesOption(string name, string description) => new(name) { Description = description };

    /// <summary>
    /// The policy with the command line's rules added, checked: a name the catalog does not know (a typo) is a usage
    /// error, because the run would otherwise offer other tools than the user meant.
    /// </summary>
    public static CompiledToolPolicy Compile(ToolPolicy policy, ToolCatalog catalog)
    {
        var compiled = policy.Compile(catalog);
        var fromCommandLine = compiled.Problems.Where(p => p.StartsWith("--", StringComparison.Ordinal)).ToList();
        if (fromCommandLine.Count > 0) throw new UsageException(string.Join('\n', fromCommandLine));
        return compiled;
    }

    /// <summary>The name <c>byProvider</c> keys are matched against: the provider's configured id, else its kind.</summary>
    public static string ProviderName(ProviderSettings provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return provider.Id ?? (provider.Kind == ProviderKind.Anthropic ? "anthropic" : "openai");
    }

    /// <summary>
    /// The provider a session would run <paramref name="model"/> on with this configuration and environment, or null
    /// with the reason when none can be told (no provider configured, an unknown model).
    /// </summary>
    public static (string? Provider, string? Why) ProviderFor(MicroAgiConfig config, IRegistry registry, string model)
    {
        try
        {
            var providers = LlmSetup.Providers(config, null, Environment.GetEnvironmentVariable);
            var factory = new ChatClientFactory(providers);
            return (ProviderName(factory.SelectProvider(ModelCatalog.FromRegistry(registry).Resolve(model))), null);
        }
        catch (Exception ex) when (ex is ConfigException or InvalidOperationException or ArgumentException or KeyNotFoundException)
        {
            return (null, ex is ConfigException ? "no provider is configured" : ex.Message.Split('\n')[0]);
        }
    }
}
