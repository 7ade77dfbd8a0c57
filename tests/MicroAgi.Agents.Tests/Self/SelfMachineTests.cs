using System.Text.Json.Nodes;
using MicroAgi.Agents.Runtime;
using MicroAgi.Agents.Self;
using MicroAgi.Agents.Tests.Runtime;
using MicroAgi.Agents.Tools;
using MicroAgi.Agents.Tools.Subagents;
using MicroAgi.Lua.Runtime;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Agents.Tests.Self;

/// <summary>The sandbox limits (writable only downwards), the machine tools' settings and the running subagents on the self surface.</summary>
public sealed class SelfMachineTests
{
    // Holds about 8 MB of Lua strings: over a 4 MB limit, far under the configured 64 MB.
    private static readonly LuaFunctionSource EightMegabytes = new("""
        local function handler()
          local parts = {}
          for i = 1, 8 do parts[i] = string.rep(tostring(i), 1024 * 1024) end
          return #parts
        end
        return { handler = handler }
        """);

    [Fact]
    public async Task Sandbox_memory_may_be_lowered_for_later_calls_never_raised_and_is_reset()
    {
        await using var fx = new SelfFixture();
        SandboxSurface.Publish(fx.Self.Surface.Root, fx.Loop.Lua, []);
        Assert.True((await fx.Loop.Lua.RunAsync(EightMegabytes, null)).IsSuccess);

        Assert.Contains("64", await fx.ErrorAsync("""{"action":"modify","key":"sandbox.memory_mb","value":128}"""));
        await fx.OkAsync("""{"action":"modify","key":"sandbox.memory_mb","value":4}""");
        var limited = await fx.Loop.Lua.RunAsync(EightMegabytes, null);
        Assert.False(limited.IsSuccess);
        Assert.Contains("memory", limited.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("4", await fx.OkAsync("""{"action":"inspect","key":"sandbox.memory_mb"}"""));

        await fx.OkAsync("""{"action":"reset","key":"sandbox.memory_mb"}""");
        Assert.True((await fx.Loop.Lua.RunAsync(EightMegabytes, null)).IsSuccess);
        Assert.Same(fx.Loop.Lua.Options.Limits, fx.Loop.Lua.Limits);
    }

    [Fact]
    public async Task A_lowered_timeout_is_the_time_limit_of_registry_lua_tools_too()
    {
        await using var fx = new SelfFixture();
        SandboxSurface.Publish(fx.Self.Surface.Root, fx.Loop.Lua, []);

        await fx.OkAsync("""{"action":"modify","key":"sandbox.timeout_seconds","value":0.5}""");

        Assert.Equal(TimeSpan.FromSeconds(0.5), fx.Loop.Lua.Limits.Timeout);
        Assert.Contains("from 0.1 to 5", await fx.ErrorAsync("""{"action":"modify","key":"sandbox.timeout_seconds","value":50}"""));
    }

    [Fact]
    public void The_runtime_refuses_limits_looser_than_configured()
    {
        using var lua = new LuaRuntime();

        var error = Assert.Throws<ArgumentException>(() => lua.Tighten(lua.Limits with { MaxCallDepth = lua.Limits.MaxCallDepth + 1 }));

        Assert.Contains("only be lowered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tool_settings_are_shown_and_read_only()
    {
        await using var fx = new SelfFixture();
        using var machine = MachineAccess.InCurrentDirectory();
        MachineSurface.Publish(fx.Self.Surface.Root, machine);

        var exec = await fx.OkAsync("""{"action":"inspect","key":"tools.settings.exec"}""");
        Assert.Contains("max_timeout_seconds", exec, StringComparison.Ordinal);
        Assert.Contains(machine.Workspace.FullPath, await fx.OkAsync("""{"action":"inspect","key":"tools.settings.workspace"}"""), StringComparison.Ordinal);
        Assert.Contains("read-only", await fx.ErrorAsync("""{"action":"modify","key":"tools.settings.workspace","value":"/"}"""), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_running_subagent_is_listed_and_can_be_cancelled()
    {
        await using var fx = new SelfFixture(extraEntries: LoopFixture.NativeTool("sessions_spawn"));
        using var machine = new MachineAccess(MicroAgi.Agents.Tools.Files.WorkspaceRoot.At(Path.GetTempPath()), Approval.ApprovalGate.AllowAll,
            MicroAgi.Agents.Tools.Shell.ShellSandbox.Off);
        fx.Loop.Natives.Register("app.tools:sessions_spawn", new SessionsSpawnTool(machine.Subagents).InvokeAsync);
        machine.Subagents.Attach(fx.Services, fx.Session.Context);
        MachineSurface.Publish(fx.Self.Surface.Root, machine);
        Assert.Contains("no running subagent 's9'; running: none", await fx.OkAsync("""{"action":"call","method":"subagents.cancel","args":{"id":"s9"}}"""));
        fx.Loop.Server.Enqueue(
            FakeReply.Call("sessions_spawn", """{"task": "wait for the slow tool"}""", "p1"),
            FakeReply.Call("slow", "{}", "c1"),
            FakeReply.Say("the parent heard back"));

        var turn = fx.Session.RunTurnAsync("delegate", SilentObserver.Instance);
        for (var i = 0; i < 600 && machine.Subagents.Running.Count == 0; i++) await Task.Delay(50);
        Assert.Contains("wait for the slow tool", await fx.OkAsync("""{"action":"inspect","key":"subagents.active"}"""), StringComparison.Ordinal);
        var id = machine.Subagents.Running.Single().Id;
        Assert.Contains("cancelled", await fx.OkAsync($$$"""{"action":"call","method":"subagents.cancel","args":{"id":"{{{id}}}"}}"""));

        Assert.Equal("the parent heard back", (await turn).Text);
        Assert.Empty(machine.Subagents.Running);
    }
}
