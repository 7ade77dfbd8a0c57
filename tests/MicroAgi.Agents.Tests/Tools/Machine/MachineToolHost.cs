using System.Text.Json.Nodes;
using MicroAgi.Agents.Approval;
using MicroAgi.Agents.Tools;
using MicroAgi.Agents.Tools.Docs;
using MicroAgi.Agents.Tools.Files;
using MicroAgi.Agents.Tools.Generated;
using MicroAgi.Agents.Tools.Shell;
using MicroAgi.Agents.Tools.Web;
using MicroAgi.Functions;
using MicroAgi.Lua.Runtime;
using MicroAgi.Registry;
using MicroAgi.Registry.Loading;

namespace MicroAgi.Agents.Tests.Tools.Machine;

/// <summary>
/// The shipped app's tool entries over a throwaway workspace directory, called through the real call
/// API (schema validation included). Approval is the loop's business (see MachineToolApprovalLoopTests):
/// called this way, as by <c>microagi tools call</c>, the tools just run.
/// </summary>
internal sealed class MachineToolHost : IDisposable
{
    private readonly LuaRuntime _runtime = new();

    public MachineToolHost(ShellSandbox? sandbox = null, ShellOptions? shell = null, WebOptions? web = null)
    {
        Workspace = new TempDirectory();
        Root = WorkspaceRoot.At(Workspace.Path);
        var registry = EntryRegistry.CreateInMemory(AppLoader.Load(new DirectoryAppFiles(RepoPaths.BuiltInApp)));
        Access = new MachineAccess(Root, ApprovalGate.AllowAll, sandbox ?? ShellSandbox.Off, shell, web);
        var services = new BuiltInToolServices(registry, new GeneratedToolWriter(registry, _runtime), DocsCorpus.Empty) { Machine = Access };
        Functions = new FunctionCaller(registry, _runtime, BuiltInTools.Register(new NativeFunctionCatalog(), services));
    }

    public TempDirectory Workspace { get; }
    public WorkspaceRoot Root { get; }
    public MachineAccess Access { get; }
    public FunctionCaller Functions { get; }

    public string PathOf(string relative) => System.IO.Path.Combine(Workspace.Path, relative);

    /// <summary>Calls a tool with the arguments as JSON text parses them, as the agent loop passes them.</summary>
    public Task<FunctionResult> CallAsync(string tool, JsonObject arguments, CancellationToken cancellationToken = default) =>
        Functions.CallAsync(new EntryId(BuiltInTools.Namespace, tool), JsonNode.Parse(arguments.ToJsonString()), cancellationToken);

    public async Task<JsonNode> OkAsync(string tool, JsonObject arguments)
    {
        var result = await CallAsync(tool, arguments);
        Assert.True(result.IsSuccess, result.ToString());
        return result.Value!;
    }

    public async Task<string> ErrorAsync(string tool, JsonObject arguments)
    {
        var result = await CallAsync(tool, arguments);
        Assert.False(result.IsSuccess, $"expected {tool} to fail, it returned {result}");
        return result.Error!;
    }

    public void Dispose()
    {
        Access.Dispose();
        _runtime.Dispose();
        Workspace.Dispose();
    }
}

/// <summary>An approval prompt that answers from a script and remembers what it was asked.</summary>
internal sealed class ScriptedPrompt(params ApprovalAnswer[] answers) : IApprovalPrompt
{
    private readonly Queue<ApprovalAnswer> _answers = new(answers);

    public List<ApprovalRequest> Asked { get; } = [];

    public Task<ApprovalAnswer> AskAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        Asked.Add(request);
        return Task.FromResult(_answers.Count > 0 ? _answers.Dequeue() : ApprovalAnswer.No);
    }
}
