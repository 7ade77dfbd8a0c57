using System.Diagnostics;

namespace MicroAgi.Cli.Tests;

/// <summary>The outcome of one run of the real microagi binary.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// Runs the built microagi binary as a child process with its own state directory, the way a user
/// or a script would. Each test gets a fresh state directory unless it shares one on purpose.
/// </summary>
internal sealed class CliRunner : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public CliRunner() => Directory.CreateDirectory(StateDirectory);

    /// <summary>A runner whose OpenAI-compatible provider is <paramref name="server"/>, with a test key.</summary>
    public static CliRunner ForOpenAI(MicroAgi.Testing.FakeLlm.FakeLlmServer server)
    {
        var cli = new CliRunner();
        cli.Environment["OPENAI_BASE_URL"] = server.BaseUrl.ToString();
        cli.Environment["OPENAI_API_KEY"] = TestKey;
        return cli;
    }

    /// <summary>The key <see cref="ForOpenAI"/> sets: tests look for it to prove it never leaks.</summary>
    public const string TestKey = "sk-test-secret-0123456789";

    public string StateDirectory { get; } = Path.Combine(Path.GetTempPath(), "microagi-cli-" + Guid.NewGuid().ToString("N"));

    /// <summary>When false, the state directory comes from the environment, as for a user without --state-dir.</summary>
    public bool PassStateDirectory { get; set; } = true;

    public Dictionary<string, string?> Environment { get; } = new()
    {
        // A clean environment: no real keys or endpoints leak in from the machine running the tests.
        ["OPENAI_API_KEY"] = null,
        ["OPENAI_BASE_URL"] = null,
        ["ANTHROPIC_API_KEY"] = null,
        ["ANTHROPIC_BASE_URL"] = null,
        ["MICROAGI_MODEL"] = null,
        ["MICROAGI_HOME"] = null,
        ["MICROAGI_REGISTRY_URL"] = null,
        ["MICROAGI_LOG"] = null,
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
        ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = null,
        ["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"] = null,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = null,
        ["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] = null,
    };

    public string WriteFile(string name, string text)
    {
        var path = Path.Combine(StateDirectory, "..", Path.GetFileName(StateDirectory) + "-files", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return Path.GetFullPath(path);
    }

    public async Task<CliResult> RunAsync(params string[] args) => await RunWithInputAsync(null, args);

    public Task<CliResult> RunWithInputAsync(string? stdin, params string[] args) => RunAsync(stdin, null, args);

    /// <summary>Runs microagi and lets <paramref name="whileRunning"/> act on the live process (send it a signal, say).</summary>
    public Task<CliResult> RunAsync(string? stdin, Func<Process, Task>? whileRunning, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet");
        foreach (var arg in CommandLine(args)[1..]) info.ArgumentList.Add(arg);
        return RunAsync(info, stdin, whileRunning, args);
    }

    /// <summary>
    /// Runs microagi on a pseudo-terminal (util-linux <c>script</c>), as a user at a keyboard would:
    /// standard input is a terminal, so the interactive REPL starts. <paramref name="keystrokes"/> are
    /// typed into it (a Ctrl+C is <c>\u0003</c>); the terminal's output, echo included, is Stdout.
    /// </summary>
    public Task<CliResult> RunInTerminalAsync(string keystrokes, Func<Process, Task>? whileRunning, params string[] args) =>
        RunAsync(TerminalStartInfo(args), keystrokes, whileRunning, args);

    /// <summary>
    /// Runs microagi on a pseudo-terminal and lets <paramref name="user"/> type into it while watching the screen
    /// output as it comes (<see cref="LiveTerminal.WaitForAsync"/>), as a user waits for the prompt before typing.
    /// </summary>
    public async Task<CliResult> RunLiveInTerminalAsync(Func<LiveTerminal, Task> user, params string[] args)
    {
        var info = TerminalStartInfo(args);
        using var process = Start(info);
        var terminal = new LiveTerminal(process);
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await user(terminal).WaitAsync(timeout.Token);
            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"microagi {string.Join(' ', args)} did not finish within {Timeout.TotalSeconds} s; the terminal showed:\n{terminal.Screen}", ex);
        }
        await terminal.Finished;
        return new CliResult(process.ExitCode, terminal.Screen, await stderr);
    }

    private ProcessStartInfo TerminalStartInfo(string[] args)
    {
        // script hands the command to $SHELL; dash (Debian's sh) stays as a parent that a typed
        // Ctrl+C kills, so exec makes microagi the terminal's only foreground process.
        var info = new ProcessStartInfo("script");
        info.ArgumentList.Add("--quiet");
        info.ArgumentList.Add("--flush");
        info.ArgumentList.Add("--return");
        info.ArgumentList.Add("--command");
        info.ArgumentList.Add("exec " + string.Join(' ', CommandLine(args).Select(ShellQuote)));
        info.ArgumentList.Add("/dev/null");
        info.Environment["NO_COLOR"] = "1";
        info.Environment["TERM"] = "dumb";
        return info;
    }

    private List<string> CommandLine(string[] args)
    {
        List<string> line = ["dotnet", Path.Combine(AppContext.BaseDirectory, "microagi.dll")];
        if (PassStateDirectory) line.AddRange(["--state-dir", StateDirectory]);
        line.AddRange(args);
        return line;
    }

    private static string ShellQuote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Starts <paramref name="info"/> with every stream redirected and this runner's environment.</summary>
    private Process Start(ProcessStartInfo info)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        info.UseShellExecute = false;
        foreach (var (key, value) in Environment)
        {
            if (value is null) info.Environment.Remove(key);
            else info.Environment[key] = value;
        }
        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
    }

    private async Task<CliResult> RunAsync(ProcessStartInfo info, string? stdin, Func<Process, Task>? whileRunning, string[] args)
    {
        using var process = Start(info);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        await process.StandardInput.FlushAsync();
        // The live process may still be given input (typed keys on a terminal); the end of input comes after.
        if (whileRunning is not null) await whileRunning(process);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"microagi {string.Join(' ', args)} did not finish within {Timeout.TotalSeconds} s");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public void Dispose()
    {
        foreach (var dir in new[] { StateDirectory, StateDirectory + "-files" })
        {
            try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}

/// <summary>A running microagi on a pseudo-terminal: what it has shown so far, and a keyboard.</summary>
internal sealed class LiveTerminal
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _screen = new();
    private readonly Lock _gate = new();

    public LiveTerminal(Process process)
    {
        _process = process;
        Finished = Task.Run(async () =>
        {
            var buffer = new char[4096];
            int read;
            while ((read = await process.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (_gate) _screen.Append(buffer, 0, read);
            }
        });
    }

    /// <summary>Done when the output has ended.</summary>
    public Task Finished { get; }

    /// <summary>Everything written to the terminal so far (echo and escape sequences included).</summary>
    public string Screen
    {
        get
        {
            lock (_gate) return _screen.ToString();
        }
    }

    /// <summary>Waits until the output has shown <paramref name="text"/> <paramref name="times"/> times.</summary>
    public async Task WaitForAsync(string text, int times = 1)
    {
        while (Count(Screen, text) < times)
        {
            if (Finished.IsCompleted) throw new InvalidOperationException($"the terminal closed before showing '{text}' {times} time(s):\n{Screen}");
            await Task.Delay(50);
        }
    }

    /// <summary>Waits for the line editor's prompt to be drawn after <paramref name="after"/> (the editor is then reading keys).</summary>
    public async Task WaitForPromptAfterAsync(string after)
    {
        await WaitForAsync(after);
        while (true)
        {
            var screen = Screen;
            var at = screen.LastIndexOf(after, StringComparison.Ordinal);
            if (screen.IndexOf("\r> ", at, StringComparison.Ordinal) >= 0) return;
            if (Finished.IsCompleted) throw new InvalidOperationException($"no prompt after '{after}':\n{screen}");
            await Task.Delay(50);
        }
    }

    public async Task TypeAsync(string keys)
    {
        await _process.StandardInput.WriteAsync(keys);
        await _process.StandardInput.FlushAsync();
    }

    private static int Count(string haystack, string needle)
    {
        var count = 0;
        for (var at = haystack.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = haystack.IndexOf(needle, at + needle.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
