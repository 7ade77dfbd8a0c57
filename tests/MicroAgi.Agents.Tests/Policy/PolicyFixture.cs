using MicroAgi.Agents.Policy;
using MicroAgi.Agents.Tests.Tools;
using MicroAgi.Registry;
using MicroAgi.Registry.Loading;

namespace MicroAgi.Agents.Tests.Policy;

/// <summary>The built-in app's tools and groups, as the policy tests filter them.</summary>
internal static class PolicyFixture
{
    public static IReadOnlyList<Entry> App { get; } = AppLoader.Load(new DirectoryAppFiles(RepoPaths.BuiltInApp));

    public static ToolCatalog Catalog { get; } = CatalogOf(App);

    /// <summary>The tools of the original's tests: the agent's hands without sessions_spawn.</summary>
    public static IReadOnlyList<PolicyTool> Hands { get; } =
        [.. new[] { "read", "write", "edit", "exec", "process", "glob", "web_fetch", "web_search" }.Select(Tool)];

    public static ToolCatalog CatalogOf(IEnumerable<Entry> entries) => ToolCatalog.FromRegistry(EntryRegistry.CreateInMemory(entries).Snapshot());

    public static PolicyTool Tool(string name) => Catalog.Tools.Single(t => t.Name == name);

    public static ToolFilterResult Filter(ToolPolicy policy, IEnumerable<PolicyTool>? tools = null, ToolPolicyContext? context = null, ToolCatalog? catalog = null)
    {
        var compiled = policy.Compile(catalog ?? Catalog);
        Assert.True(compiled.Problems.Count == 0, string.Join("\n", compiled.Problems));
        return compiled.Filter(tools ?? Hands, context ?? new ToolPolicyContext());
    }

    public static ToolPolicy Rules(string[]? allow = null, string[]? deny = null) =>
        new() { Global = [new ToolRules("test", allow, deny)] };

    public static string[] Names(ToolFilterResult result) => [.. result.Allowed.Select(t => t.Name).Order(StringComparer.Ordinal)];
}
