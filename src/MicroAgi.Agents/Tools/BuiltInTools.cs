using MicroAgi.Agents.Tools.Files;
using MicroAgi.Agents.Tools.Shell;
using MicroAgi.Agents.Tools.Subagents;
using MicroAgi.Agents.Tools.Web;
using MicroAgi.Functions;

namespace MicroAgi.Agents.Tools;

/// <summary>
/// The built-in tools of namespace <c>app.tools</c>, as native functions: the five of the
/// self-modification loop and the agent's hands (files, shell, web, subagents). Their entries
/// (kind <c>function.native</c>, <c>data.handler</c> = one of the names below, <c>meta.type: tool</c>,
/// the input schema) live in the app's <c>tools/_index.yaml</c>; this class supplies the C# behind them.
/// </summary>
public static class BuiltInTools
{
    public const string Namespace = "app.tools";

    public const string DocSearch = "doc_search";
    public const string RegistryList = "registry_list";
    public const string RegistryRead = "registry_read";
    public const string CreateTool = "create_tool";
    public const string LoadTool = "load_tool";
    public const string Read = "read";
    public const string Write = "write";
    public const string Edit = "edit";
    public const string Glob = "glob";
    public const string Exec = "exec";
    public const string Process = "process";
    public const string WebFetch = "web_fetch";
    public const string WebSearch = "web_search";
    public const string SessionsSpawn = SubagentLauncher.ToolName;

    /// <summary>The handler names, as the entries' <c>data.handler</c> give them.</summary>
    public static IReadOnlyList<string> HandlerNames { get; } = [DocSearch, RegistryList, RegistryRead, CreateTool, LoadTool, Read, Write, Edit, Glob, Exec, Process, WebFetch, WebSearch, SessionsSpawn];

    /// <summary>Registers the handlers in <paramref name="catalog"/> (each name once per catalog).</summary>
    public static NativeFunctionCatalog Register(NativeFunctionCatalog catalog, BuiltInToolServices services)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(services);
        var docSearch = new DocSearchTool(services.Docs, services.RemoteDocs);
        var registryList = new RegistryListTool(services.Registry);
        var registryRead = new RegistryReadTool(services.Registry);
        var createTool = new CreateToolTool(services.Writer);
        var loadTool = new LoadToolTool(services.Registry);
        var machine = services.Machine ?? MachineAccess.InCurrentDirectory();
        var read = new ReadTool(machine.Workspace, machine.Ledger);
        var glob = new GlobTool(machine.Workspace);
        var webFetch = new WebFetchTool(machine.Web, machine.FetchClient);
        var webSearch = new WebSearchTool(machine.SearchClient, machine.Web.Search);
        var spawn = new SessionsSpawnTool(machine.Subagents);
        return catalog
            .Register(DocSearch, docSearch.InvokeAsync)
            .Register(RegistryList, registryList.InvokeAsync)
            .Register(RegistryRead, registryRead.InvokeAsync)
            .Register(CreateTool, createTool.InvokeAsync)
            .Register(LoadTool, loadTool.InvokeAsync)
            .Register(Read, read.InvokeAsync)
            .Register(Write, machine.Changes.Write.InvokeAsync)
            .Register(Edit, machine.Changes.Edit.InvokeAsync)
            .Register(Glob, glob.InvokeAsync)
            .Register(Exec, machine.Changes.Exec.InvokeAsync)
            .Register(Process, machine.Changes.Process.InvokeAsync)
            .Register(WebFetch, webFetch.InvokeAsync)
            .Register(WebSearch, webSearch.InvokeAsync)
            .Register(SessionsSpawn, spawn.InvokeAsync);
    }
}
