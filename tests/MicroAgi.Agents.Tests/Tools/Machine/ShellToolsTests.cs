using System.Text.Json.Nodes;
using MicroAgi.Agents.Tools.Shell;

namespace MicroAgi.Agents.Tests.Tools.Machine;

public sealed class ShellToolsTests : IDisposable
{
    private readonly MachineToolHost _host = new(shell: new ShellOptions { YieldAfter = TimeSpan.FromSeconds(5) });

    [Fact]
    public async Task Exec_returns_the_exit_code_and_the_output_of_both_streams()
    {
        var ok = await _host.OkAsync("exec", new JsonObject { ["command"] = "echo out; echo err >&2" });
        var failed = await _host.OkAsync("exec", new JsonObject { ["command"] = "exit 3" });

        Assert.Equal(0, (int)ok["exit_code"]!);
        Assert.Contains("out\n", (string)ok["output"]!, StringComparison.Ordinal);
        Assert.Contains("err\n", (string)ok["output"]!, StringComparison.Ordinal);
        Assert.Equal(3, (int)failed["exit_code"]!);
    }

    [Fact]
    public async Task Exec_runs_in_the_workspace_or_a_cwd_inside_it_and_refuses_one_outside()
    {
        Directory.CreateDirectory(_host.PathOf("sub"));

        var root = await _host.OkAsync("exec", new JsonObject { ["command"] = "pwd" });
        var sub = await _host.OkAsync("exec", new JsonObject { ["command"] = "pwd", ["cwd"] = "sub" });

        Assert.Equal(_host.Root.FullPath, ((string)root["output"]!).Trim());
        Assert.Equal(Path.Combine(_host.Root.FullPath, "sub"), ((string)sub["output"]!).Trim());
        Assert.Contains("outside the workspace", await _host.ErrorAsync("exec", new JsonObject { ["command"] = "pwd", ["cwd"] = "/" }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_keeps_the_last_200_KB_of_a_long_output()
    {
        var result = await _host.OkAsync("exec", new JsonObject { ["command"] = "head -c 300000 /dev/zero | tr '\\0' 'a'; echo; echo THE-END" });

        var output = (string)result["output"]!;
        Assert.True(output.Length <= 200 * 1024, $"{output.Length} characters");
        Assert.EndsWith("THE-END\n", output, StringComparison.Ordinal);
        Assert.True((long)result["omitted_bytes"]! > 90_000);
    }

    [Fact]
    public async Task Exec_kills_a_command_past_its_timeout_with_everything_it_started()
    {
        var marker = _host.PathOf("survivor");
        var result = await _host.OkAsync("exec", new JsonObject { ["command"] = $"(sleep 3; touch {marker}) & sleep 60", ["timeout"] = 1 });

        Assert.True((bool)result["timed_out"]!);
        Assert.NotEqual(0, (int)result["exit_code"]!);
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.False(File.Exists(marker), "a child of the timed-out command survived the process-group kill");
    }

    [Fact]
    public async Task Exec_that_outlives_its_yield_time_goes_to_the_background_and_can_be_followed_and_stopped()
    {
        var marker = _host.PathOf("late");
        var started = await _host.OkAsync("exec", new JsonObject { ["command"] = $"echo begun; sleep 60; touch {marker}", ["timeout"] = 120 });

        Assert.Equal("running", (string)started["status"]!);
        var id = (string)started["process_id"]!;
        var list = await _host.OkAsync("process", new JsonObject { ["action"] = "list" });
        Assert.Contains(list["processes"]!.AsArray(), p => (string)p!["id"]! == id && (string)p["status"]! == "running");
        var output = await _host.OkAsync("process", new JsonObject { ["action"] = "output", ["id"] = id });
        Assert.Contains("begun", (string)output["output"]!, StringComparison.Ordinal);

        var stopped = await _host.OkAsync("process", new JsonObject { ["action"] = "stop", ["id"] = id });
        Assert.Equal("stopped", (string)stopped["status"]!);
        var cleaned = await _host.OkAsync("process", new JsonObject { ["action"] = "cleanup" });
        Assert.Equal([id], cleaned["removed"]!.AsArray().Select(n => (string)n!).ToArray());
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task A_background_process_dies_at_its_hard_lifetime()
    {
        var started = await _host.OkAsync("process", new JsonObject { ["action"] = "start", ["command"] = "sleep 60", ["timeout"] = 1 });
        var id = (string)started["id"]!;

        var status = await PollAsync(id, s => s != "running");

        Assert.Equal("timed_out", status);
    }

    [Fact]
    public async Task Process_errors_say_what_to_do()
    {
        Assert.Contains("must be one of", await _host.ErrorAsync("process", new JsonObject { ["action"] = "explode" }), StringComparison.Ordinal);
        Assert.Contains("'id' is required", await _host.ErrorAsync("process", new JsonObject { ["action"] = "status" }), StringComparison.Ordinal);
        Assert.Contains("no background process 'p99'", await _host.ErrorAsync("process", new JsonObject { ["action"] = "stop", ["id"] = "p99" }), StringComparison.Ordinal);
        Assert.Contains("at most", await _host.ErrorAsync("exec", new JsonObject { ["command"] = "true", ["timeout"] = 999_999 }), StringComparison.Ordinal);
    }

    private async Task<string> PollAsync(string id, Func<string, bool> done)
    {
        for (var i = 0; i < 300; i++)
        {
            var status = (string)(await _host.OkAsync("process", new JsonObject { ["action"] = "status", ["id"] = id }))["status"]!;
            if (done(status)) return status;
            await Task.Delay(100);
        }
        throw new TimeoutException($"{id} did not change state in 30 s");
    }

    public void Dispose() => _host.Dispose();
}
