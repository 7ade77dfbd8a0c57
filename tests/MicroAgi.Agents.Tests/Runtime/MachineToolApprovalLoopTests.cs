using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using MicroAgi.Agents.Approval;
using MicroAgi.Agents.Runtime;
using MicroAgi.Agents.Tests.Tools;
using MicroAgi.Agents.Tests.Tools.Machine;
using MicroAgi.Agents.Tools;
using MicroAgi.Agents.Tools.Docs;
using MicroAgi.Agents.Tools.Files;
using MicroAgi.Agents.Tools.Generated;
using MicroAgi.Agents.Tools.Shell;
using MicroAgi.Agents.Tools.Subagents;
using MicroAgi.Registry;
using MicroAgi.Registry.Loading;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Agents.Tests.Runtime;

/// <summary>
/// write, edit, exec and process start reach the user through the same approval seam as a generated tool's
/// first run: offered as <see cref="ApprovalRequiredAIFunction"/>s, the loop asks the gate before the call runs,
/// with the machine's description of the change (the diff, the command), and the mode decides who is asked.
/// A real session against the fake OpenAI-compatible server, the shipped app's tool entries, a temp workspace.
/// </summary>
public sealed class MachineToolApprovalLoopTests : IAsyncDisposable
{
    private static readonly string[] MachineTools = ["read", "write", "edit", "glob", "exec", "process"];

    private readonly LoopFixture _loop = new(new AgentSettings { ToolTimeout = TimeSpan.FromSeconds(30) }, extraEntries: [.. AppTools(MachineTools), LoopFixture.NativeTool("sessions_spawn")]);
    private readonly TempDirectory _workspace = new();
    private readonly MachineAccess _machine;
    private AgentServices? _services;

    public MachineToolApprovalLoopTests()
    {
        // The tools themselves ask nobody: which gate decides is the session's (AgentServices.Approval).
        _machine = new MachineAccess(WorkspaceRoot.At(_workspace.Path), ApprovalGate.AllowAll, ShellSandbox.Off);
        BuiltInTools.Register(_loop.Natives, new BuiltInToolServices(_loop.Registry, new GeneratedToolWriter(_loop.Registry, _loop.Lua), DocsCorpus.Empty) { Machine = _machine });
    }

    private string PathOf(string relative) => Path.Combine(_workspace.Path, relative);

    private static IEnumerable<Entry> AppTools(params string[] names) =>
        AppLoader.Load(new DirectoryAppFiles(RepoPaths.BuiltInApp)).Where(e => e.Id.Namespace == BuiltInTools.Namespace && names.Contains(e.Id.Name));

    /// <summary>A session whose machine tools work in the temp workspace, decided by <paramref name="gate"/>.</summary>
    private AgentSession SessionWith(ApprovalGate gate, bool describeChanges = true)
    {
        var services = _services = new AgentServices(_loop.Registry, _loop.Functions, _loop.Services.ChatClientFor, _loop.Costs, _loop.Services.Settings)
        {
            Approval = gate,
            Changes = describeChanges ? _machine.Changes : null,
        };
        return new AgentSession(services, new AgentContext(services, EntryId.Parse(LoopFixture.AgentId)), new Conversation());
    }

    private static string Args(object arguments) => JsonSerializer.Serialize(arguments);

    [Fact]
    public async Task The_tools_that_change_the_machine_are_offered_as_approval_required_and_the_others_are_not()
    {
        var runner = SessionWith(ApprovalGate.AllowAll).Runner;

        foreach (var name in new[] { "write", "edit", "exec", "process" }) Assert.IsType<ApprovalRequiredAIFunction>(runner.FindOffered(name));
        foreach (var name in new[] { "read", "glob", "echo" }) Assert.IsNotType<ApprovalRequiredAIFunction>(runner.FindOffered(name));
    }

    public static TheoryData<ApprovalMode, string, string, bool> WhoIsAsked => new()
    {
        { ApprovalMode.Ask, "write", Args(new { path = "new.txt", content = "hello\n" }), true },
        { ApprovalMode.Ask, "edit", Args(new { path = "old.txt", old = "two", @new = "TWO" }), true },
        { ApprovalMode.Ask, "exec", Args(new { command = "touch ran" }), true },
        { ApprovalMode.Ask, "process", Args(new { action = "start", command = "touch ran" }), true },
        { ApprovalMode.Ask, "process", Args(new { action = "list" }), false },
        { ApprovalMode.AutoEdit, "write", Args(new { path = "new.txt", content = "hello\n" }), false },
        { ApprovalMode.AutoEdit, "edit", Args(new { path = "old.txt", old = "two", @new = "TWO" }), false },
        { ApprovalMode.AutoEdit, "exec", Args(new { command = "touch ran" }), true },
        { ApprovalMode.AutoEdit, "process", Args(new { action = "start", command = "touch ran" }), true },
        { ApprovalMode.FullAuto, "write", Args(new { path = "new.txt", content = "hello\n" }), false },
        { ApprovalMode.FullAuto, "edit", Args(new { path = "old.txt", old = "two", @new = "TWO" }), false },
        { ApprovalMode.FullAuto, "exec", Args(new { command = "touch ran" }), false },
        { ApprovalMode.FullAuto, "process", Args(new { action = "start", command = "touch ran" }), false },
    };

    [Theory]
    [MemberData(nameof(WhoIsAsked))]
    public async Task The_mode_decides_which_calls_are_asked_about_and_an_approved_call_runs(ApprovalMode mode, string tool, string arguments, bool asked)
    {
        await File.WriteAllTextAsync(PathOf("old.txt"), "one\ntwo\nthree\n");
        var prompt = new ScriptedPrompt(ApprovalAnswer.Yes);
        var session = SessionWith(new ApprovalGate(mode, prompt));
        _loop.Server.Enqueue(FakeReply.Call(tool, arguments, "c1"), FakeReply.Say("Done."));
        var observer = new RecordingObserver();

        await session.RunTurnAsync("change it", observer);

        Assert.Equal(asked ? 1 : 0, prompt.Asked.Count);
        Assert.Contains($"[{tool}] ok", observer.Events);
        if (tool == "write") Assert.Equal("hello\n", await File.ReadAllTextAsync(PathOf("new.txt")));
        if (tool == "edit") Assert.Equal("one\nTWO\nthree\n", await File.ReadAllTextAsync(PathOf("old.txt")));
        if (tool is "exec" or "process" && arguments.Contains("touch", StringComparison.Ordinal)) await WaitForAsync(PathOf("ran"));
    }

    [Fact]
    public async Task A_declined_change_does_not_run_and_the_model_is_told_the_user_declined()
    {
        await File.WriteAllTextAsync(PathOf("notes.txt"), "keep me\n");
        var prompt = new ScriptedPrompt(ApprovalAnswer.No, ApprovalAnswer.No, ApprovalAnswer.No);
        var session = SessionWith(new ApprovalGate(ApprovalMode.Ask, prompt));
        _loop.Server.Enqueue(
            FakeReply.Call("edit", Args(new { path = "notes.txt", old = "keep", @new = "lose" }), "c1"),
            FakeReply.Call("exec", Args(new { command = "touch ran" }), "c2"),
            FakeReply.Call("process", Args(new { action = "start", command = "touch ran" }), "c3"),
            FakeReply.Say("Nothing changed."));
        var observer = new RecordingObserver();

        var turn = await session.RunTurnAsync("change things", observer);

        Assert.Equal("Nothing changed.", turn.Text);
        Assert.Equal(3, prompt.Asked.Count);
        Assert.Equal("keep me\n", await File.ReadAllTextAsync(PathOf("notes.txt")));
        Assert.False(File.Exists(PathOf("ran")));
        Assert.Empty(_machine.Shell.Background.All);
        Assert.Contains("the user declined: edit notes.txt (1 place)", _loop.Server.ChatRequests[1].LastToolResult, StringComparison.Ordinal);
        Assert.Contains("the user declined: run: touch ran", _loop.Server.ChatRequests[2].LastToolResult, StringComparison.Ordinal);
        Assert.Contains(observer.Events, e => e.StartsWith("[process] error: the user declined: run: touch ran", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_question_shows_the_diff_of_a_write_or_an_edit_the_head_of_a_new_file_and_the_command_with_its_directory()
    {
        await File.WriteAllTextAsync(PathOf("list.txt"), "alpha\nbeta\ngamma\n");
        Directory.CreateDirectory(PathOf("sub"));
        var prompt = new ScriptedPrompt(ApprovalAnswer.Yes, ApprovalAnswer.Yes, ApprovalAnswer.Yes, ApprovalAnswer.Yes, ApprovalAnswer.Yes);
        var session = SessionWith(new ApprovalGate(ApprovalMode.Ask, prompt));
        _loop.Server.Enqueue(
            FakeReply.Call("read", Args(new { path = "list.txt" }), "c0"),
            FakeReply.Call("write", Args(new { path = "list.txt", content = "alpha\nBETA\ngamma\n" }), "c1"),
            FakeReply.Call("edit", Args(new { path = "list.txt", old = "gamma", @new = "delta" }), "c2"),
            FakeReply.Call("write", Args(new { path = "fresh/new.md", content = "# Title\nbody\n" }), "c3"),
            FakeReply.Call("exec", Args(new { command = "echo hi", cwd = "sub" }), "c4"),
            FakeReply.Say("Done."));

        await session.RunTurnAsync("change things", new RecordingObserver());

        Assert.Equal(4, prompt.Asked.Count);
        var (overwrite, edit, create, command) = (prompt.Asked[0], prompt.Asked[1], prompt.Asked[2], prompt.Asked[3]);
        Assert.Equal((ApprovalKind.FileChange, "overwrite list.txt (17 bytes)"), (overwrite.Kind, overwrite.Summary));
        Assert.Contains("-beta\n+BETA\n", overwrite.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("-gamma", overwrite.Detail, StringComparison.Ordinal);
        Assert.Equal("edit list.txt (1 place)", edit.Summary);
        Assert.Contains("-gamma\n+delta\n", edit.Detail, StringComparison.Ordinal);
        Assert.Equal("create fresh/new.md (13 bytes)", create.Summary);
        Assert.Equal("@@ line 1 @@\n+# Title\n+body\n", create.Detail);
        Assert.Equal((ApprovalKind.Command, "run: echo hi"), (command.Kind, command.Summary));
        Assert.Contains("in sub, NOT sandboxed", command.Detail, StringComparison.Ordinal);
        Assert.Equal("alpha\nBETA\ndelta\n", await File.ReadAllTextAsync(PathOf("list.txt")));
    }

    [Fact]
    public async Task Always_for_this_session_covers_the_same_command_and_file_changes_but_not_another_command()
    {
        var prompt = new ScriptedPrompt(ApprovalAnswer.AlwaysThisSession, ApprovalAnswer.AlwaysThisSession, ApprovalAnswer.No);
        var session = SessionWith(new ApprovalGate(ApprovalMode.Ask, prompt));
        _loop.Server.Enqueue(
            FakeReply.Call("exec", Args(new { command = "echo one" }), "c1"),
            FakeReply.Call("exec", Args(new { command = "echo one" }), "c2"),
            FakeReply.Call("write", Args(new { path = "a.txt", content = "a" }), "c3"),
            FakeReply.Call("write", Args(new { path = "b.txt", content = "b" }), "c4"),
            FakeReply.Call("exec", Args(new { command = "echo two" }), "c5"),
            FakeReply.Say("Done."));
        var observer = new RecordingObserver();

        await session.RunTurnAsync("go", observer);

        Assert.Equal(["run: echo one", "create a.txt (1 bytes)", "run: echo two"], prompt.Asked.Select(a => a.Summary));
        Assert.True(File.Exists(PathOf("b.txt")));
        Assert.Contains("[exec] error: the user declined: run: echo two; do not retry it unchanged — ask the user what to do instead", observer.Events);
    }

    [Fact]
    public async Task Always_for_this_workspace_is_kept_so_the_next_session_is_not_asked()
    {
        var standingFile = PathOf(".state/approvals.json");
        var first = new ScriptedPrompt(ApprovalAnswer.AlwaysThisWorkspace);
        var session = SessionWith(new ApprovalGate(ApprovalMode.Ask, first, new StandingApprovals(standingFile, _workspace.Path)));
        _loop.Server.Enqueue(FakeReply.Call("exec", Args(new { command = "echo kept" }), "c1"), FakeReply.Say("Done."));
        await session.RunTurnAsync("go", new RecordingObserver());

        var later = new ScriptedPrompt();
        var next = SessionWith(new ApprovalGate(ApprovalMode.Ask, later, new StandingApprovals(standingFile, _workspace.Path)));
        _loop.Server.Enqueue(FakeReply.Call("exec", Args(new { command = "echo kept" }), "c2"), FakeReply.Say("Done."));
        var observer = new RecordingObserver();
        await next.RunTurnAsync("again", observer);

        Assert.Single(first.Asked);
        Assert.Empty(later.Asked);
        Assert.Contains("[exec] ok", observer.Events);
        Assert.Contains("command: echo kept", await File.ReadAllTextAsync(standingFile), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ApprovalMode.Ask, "write", "--approval auto-edit or full-auto")]
    [InlineData(ApprovalMode.Ask, "edit", "--approval auto-edit or full-auto")]
    [InlineData(ApprovalMode.AutoEdit, "exec", "--approval full-auto")]
    [InlineData(ApprovalMode.AutoEdit, "process", "--approval full-auto")]
    public async Task With_nobody_to_ask_a_change_the_mode_does_not_allow_is_refused_naming_the_mode_that_would(ApprovalMode mode, string tool, string allowedBy)
    {
        await File.WriteAllTextAsync(PathOf("old.txt"), "one\n");
        var session = SessionWith(new ApprovalGate(mode));
        var arguments = tool switch
        {
            "write" => Args(new { path = "new.txt", content = "x" }),
            "edit" => Args(new { path = "old.txt", old = "one", @new = "two" }),
            "exec" => Args(new { command = "touch ran" }),
            _ => Args(new { action = "start", command = "touch ran" }),
        };
        _loop.Server.Enqueue(FakeReply.Call(tool, arguments, "c1"), FakeReply.Say("Could not."));

        await session.RunTurnAsync("change it", new RecordingObserver());

        var result = _loop.Server.ChatRequests[1].LastToolResult;
        Assert.Contains("needs the user's approval and nobody can be asked in this run; the user can allow it with " + allowedBy, result, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("new.txt")));
        Assert.Equal("one\n", await File.ReadAllTextAsync(PathOf("old.txt")));
        Assert.False(File.Exists(PathOf("ran")));
    }

    [Fact]
    public async Task A_host_without_the_machines_description_still_asks_showing_the_arguments()
    {
        var prompt = new ScriptedPrompt(ApprovalAnswer.No);
        var session = SessionWith(new ApprovalGate(ApprovalMode.AutoEdit, prompt), describeChanges: false);
        _loop.Server.Enqueue(FakeReply.Call("write", Args(new { path = "new.txt", content = "x" }), "c1"), FakeReply.Say("Declined."));

        await session.RunTurnAsync("write it", new RecordingObserver());

        var asked = Assert.Single(prompt.Asked);
        Assert.Equal(ApprovalKind.Command, asked.Kind);
        Assert.Contains("\"path\":\"new.txt\"", asked.Detail, StringComparison.Ordinal);
        Assert.StartsWith("call: app.tools:write #", asked.StandingKey, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("new.txt")));
    }

    [Fact]
    public async Task A_file_that_cannot_be_read_for_the_question_is_still_asked_about_showing_the_arguments()
    {
        // A socket exists as a file, but opening it fails: the diff cannot be worked out.
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(PathOf("sock")));
        var prompt = new ScriptedPrompt(ApprovalAnswer.No);
        var session = SessionWith(new ApprovalGate(ApprovalMode.AutoEdit, prompt));
        _loop.Server.Enqueue(FakeReply.Call("edit", Args(new { path = "sock", old = "a", @new = "b" }), "c1"), FakeReply.Say("Declined."));

        await session.RunTurnAsync("edit it", new RecordingObserver());

        var asked = Assert.Single(prompt.Asked);
        Assert.Equal(ApprovalKind.Command, asked.Kind);
        Assert.Contains("\"path\":\"sock\"", asked.Detail, StringComparison.Ordinal);
        Assert.Contains("the user declined", _loop.Server.ChatRequests[1].LastToolResult, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subagent_asks_the_parents_user_and_honours_the_parents_always()
    {
        var prompt = new ScriptedPrompt(ApprovalAnswer.No, ApprovalAnswer.AlwaysThisSession);
        var launcher = new SubagentLauncher(new SubagentOptions());
        _loop.Natives.Register("app.tools:sessions_spawn", new SessionsSpawnTool(launcher).InvokeAsync);
        var session = SessionWith(new ApprovalGate(ApprovalMode.AutoEdit, prompt));
        launcher.Attach(_services!, session.Context);
        _loop.Server.Enqueue(
            FakeReply.Call("sessions_spawn", Args(new { task = "run it" }), "p1"),
            FakeReply.Call("exec", Args(new { command = "touch child-ran" }), "k1"),
            FakeReply.Say("the user said no"),
            FakeReply.Call("exec", Args(new { command = "touch parent-ran" }), "p2"),
            FakeReply.Call("sessions_spawn", Args(new { task = "run it again" }), "p3"),
            FakeReply.Call("exec", Args(new { command = "touch parent-ran" }), "k2"),
            FakeReply.Say("ran it"),
            FakeReply.Say("Done."));

        await session.RunTurnAsync("delegate", new RecordingObserver());

        Assert.Equal(["run: touch child-ran", "run: touch parent-ran"], prompt.Asked.Select(a => a.Summary));
        Assert.False(File.Exists(PathOf("child-ran")));
        Assert.Contains("the user declined: run: touch child-ran", _loop.Server.ChatRequests[2].Body, StringComparison.Ordinal);
        Assert.True(File.Exists(PathOf("parent-ran")));
    }

    private static async Task WaitForAsync(string path)
    {
        for (var i = 0; i < 300 && !File.Exists(path); i++) await Task.Delay(100);
        Assert.True(File.Exists(path), $"{path} was not created within 30 s");
    }

    public async ValueTask DisposeAsync()
    {
        _machine.Dispose();
        await _loop.DisposeAsync();
        _workspace.Dispose();
    }
}
