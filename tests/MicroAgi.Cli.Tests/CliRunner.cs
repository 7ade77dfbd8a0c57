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

    public string StateDirectory { get; } = Path.Combine(Path.GetTempPath(), "microagi-cli-" + Guid.NewGuid().ToString("N"));

    /// <summary>When false, the state directory comes from the environment, as for a user without --state-dir.</summary>
    public bool PassStateDirectory { get; set; } = true;

    public Dictionary<string, string?> Environment { get; } = new()
    {
        // A clean environment: no real keys or endpoints leak in from the machine running the tests.
        ["OPENAI_API_KEY"] = null,
        ["OPENAI_BASE_URL"] = null,
        ["ANTHROPIC_API_KEY"] = null,
        ["MICROAGI_MODEL"] = null,
        ["MICROAGI_HOME"] = null,
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
    public async Task<CliResult> RunAsync(string? stdin, Func<System.Diagnostics.Process, Task>? whileRunning, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "microagi.dll"));
        if (PassStateDirectory)
        {
            info.ArgumentList.Add("--state-dir");
            info.ArgumentList.Add(StateDirectory);
        }
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in Environment)
        {
            if (value is null) info.Environment.Remove(key);
            else info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start microagi");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        if (whileRunning is not null) await whileRunning(process);
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
