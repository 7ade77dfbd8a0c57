using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using MicroAgi.Agents.Tools.Shell;

namespace MicroAgi.Agents.Tests.Tools.Machine;

/// <summary>
/// The bubblewrap sandbox, really run (CI installs bubblewrap; without it these tests say so and
/// fail, because a sandbox that is never exercised is not known to work).
/// </summary>
public sealed class ShellSandboxTests : IDisposable
{
    private readonly MachineToolHost _host = new(sandbox: ShellSandbox.Detect(SandboxMode.Bubblewrap));

    [Fact]
    public async Task Sandboxed_commands_write_in_the_workspace_and_tmp_but_nowhere_else()
    {
        using var outside = new TempDirectory();
        var escaped = Path.Combine(outside.Path, "escaped");

        var inside = await _host.OkAsync("exec", new JsonObject { ["command"] = "echo hi > inside.txt && echo tmp > /tmp/t && cat /tmp/t" });
        var blocked = await _host.OkAsync("exec", new JsonObject { ["command"] = $"echo x > {escaped}" });
        var varTmp = $"/var/tmp/microagi-sandbox-{Guid.NewGuid():N}";
        var system = await _host.OkAsync("exec", new JsonObject { ["command"] = $"touch {varTmp}" });

        Assert.Equal(0, (int)inside["exit_code"]!);
        Assert.Equal("hi\n", File.ReadAllText(_host.PathOf("inside.txt")));
        Assert.NotEqual(0, (int)blocked["exit_code"]!);
        Assert.False(File.Exists(escaped), "the host's /tmp is not the sandbox's /tmp");
        Assert.NotEqual(0, (int)system["exit_code"]!);
        Assert.Contains("Read-only file system", (string)system["output"]!, StringComparison.Ordinal);
        Assert.False(File.Exists(varTmp));
    }

    [Fact]
    public async Task Sandboxed_commands_have_no_network_unless_configured()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var connect = $"exec 3<>/dev/tcp/127.0.0.1/{port} && echo connected";

        var denied = await _host.OkAsync("exec", new JsonObject { ["command"] = connect });
        using var open = new MachineToolHost(sandbox: ShellSandbox.Detect(SandboxMode.Bubblewrap), shell: new ShellOptions { AllowNetwork = true });
        var allowed = await open.OkAsync("exec", new JsonObject { ["command"] = connect });

        Assert.NotEqual(0, (int)denied["exit_code"]!);
        Assert.DoesNotContain("connected", (string)denied["output"]!, StringComparison.Ordinal);
        Assert.Equal(0, (int)allowed["exit_code"]!);
        Assert.Contains("connected", (string)allowed["output"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sandboxed_command_outlives_the_thread_that_started_it()
    {
        // bwrap --die-with-parent dies with the thread that forked it: a thread-pool thread retired mid-command
        // used to SIGKILL the command (exit 137). Here the starting thread ends while the command runs, on purpose:
        // after bwrap has armed its parent-death signal (it does so itself, just after it starts).
        var shell = _host.Access.Shell;
        Assert.True(shell.TryPrepare("exec", "sleep 3; echo survived", null, TimeSpan.FromMinutes(1), out var launch, out var error), error);
        ShellProcess? process = null;
        var starter = new Thread(() =>
        {
            process = shell.Start(launch).Process;
            Thread.Sleep(TimeSpan.FromSeconds(1));
        });
        starter.Start();
        starter.Join();

        using (process)
        {
            Assert.NotNull(process);
            Assert.Equal(0, await process.Exited.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("survived", process.Output.Read().Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Without_bubblewrap_auto_mode_warns_and_required_mode_refuses()
    {
        var auto = ShellSandbox.Detect(SandboxMode.Auto, searchPath: "/nonexistent");
        var required = Assert.Throws<InvalidOperationException>(() => ShellSandbox.Detect(SandboxMode.Bubblewrap, searchPath: "/nonexistent"));

        Assert.False(auto.IsActive);
        Assert.Contains("WITHOUT a sandbox", auto.Warning, StringComparison.Ordinal);
        Assert.Contains("install bubblewrap", required.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _host.Dispose();
}
