using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace MicroAgi.Agents.Tools.Shell;

/// <summary>
/// The background processes of a session (started with <c>process start</c>, or an <c>exec</c> that ran
/// past its yield time), by id <c>p1</c>, <c>p2</c>, … Capped in number; every one is killed when the
/// session ends.
/// </summary>
public sealed class ProcessTable(int capacity) : IDisposable
{
    private readonly ConcurrentDictionary<string, ShellProcess> _processes = new(StringComparer.Ordinal);
    private int _next;

    public string NextId() => "p" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);

    /// <summary>Why another background process cannot be added, or null.</summary>
    public string? FullProblem() =>
        _processes.Values.Count(p => !p.HasExited) >= capacity
            ? $"{capacity} background processes are already running; stop one with process stop (or wait for one to finish)"
            : null;

    public void Add(ShellProcess process) => _processes[process.Id] = process;

    public ShellProcess? Get(string id) => _processes.TryGetValue(id, out var process) ? process : null;

    public IReadOnlyList<ShellProcess> All => _processes.Values.OrderBy(p => p.Started).ToList();

    /// <summary>Forgets every process that has ended; returns their ids.</summary>
    public IReadOnlyList<string> RemoveFinished()
    {
        var removed = new List<string>();
        foreach (var process in _processes.Values.Where(p => p.HasExited).ToList())
        {
            if (_processes.TryRemove(process.Id, out _))
            {
                process.Dispose();
                removed.Add(process.Id);
            }
        }
        return removed;
    }

    /// <summary>A process's state as the tools report it.</summary>
    public static JsonObject Describe(ShellProcess process)
    {
        var result = new JsonObject
        {
            ["id"] = process.Id,
            ["command"] = process.Command,
            ["status"] = process.Status,
            ["running_seconds"] = Math.Round((DateTimeOffset.UtcNow - process.Started).TotalSeconds, 1),
        };
        if (process.HasExited) result["exit_code"] = process.Exited.Result;
        return result;
    }

    public void Dispose()
    {
        foreach (var process in _processes.Values) process.Dispose();
        _processes.Clear();
    }
}
