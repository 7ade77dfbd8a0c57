using System.CommandLine;

namespace MicroAgi.Cli.Hosting;

/// <summary>Options every command understands (state directory, extra app, ephemeral mode).</summary>
internal sealed class GlobalOptions
{
    public Option<DirectoryInfo?> StateDir { get; } = new("--state-dir")
    {
        Description = "Where MicroAgi keeps its state (registry database, sessions, microagi.yaml). Default: $MICROAGI_HOME or ~/.microagi",
        Recursive = true,
    };

    public Option<DirectoryInfo?> App { get; } = new("--app")
    {
        Description = "An app directory of _index.yaml files whose entries add to or replace the built-in ones",
        Recursive = true,
    };

    public Option<bool> Ephemeral { get; } = new("--ephemeral")
    {
        Description = "Keep every change in memory only; nothing is read from or written to the state directory's database",
        Recursive = true,
    };

    public void AddTo(Command command)
    {
        command.Add(StateDir);
        command.Add(App);
        command.Add(Ephemeral);
    }

    public HostSettings Read(ParseResult result) => new(
        StateDirectory.Resolve(result.GetValue(StateDir)?.FullName),
        result.GetValue(App)?.FullName,
        result.GetValue(Ephemeral));
}

/// <summary>Where state lives and which app to load, as the user asked for it.</summary>
internal sealed record HostSettings(string StateDirectory, string? AppDirectory, bool Ephemeral);
