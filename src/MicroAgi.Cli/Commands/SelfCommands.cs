using System.CommandLine;
using System.Globalization;
using MicroAgi.Agents.Self;
using MicroAgi.Agents.Sessions;
using MicroAgi.Cli.Hosting;
using Spectre.Console;

namespace MicroAgi.Cli.Commands;

/// <summary><c>microagi self snapshots</c> and <c>microagi self log [session]</c>: what the self tool kept and did.</summary>
internal static class SelfCommands
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("self", "What the agent's self tool saved and did (tools: self_evolution: true in microagi.yaml)");
        command.Add(Snapshots(cli));
        command.Add(Log(cli));
        return command;
    }

    private static Command Snapshots(CliContext cli)
    {
        var command = new Command("snapshots", "List the snapshots saved with persist: true (they survive a restart)");
        command.SetAction(result =>
        {
            var directory = SelfSetup.SnapshotDirectory(cli.Options.Read(result).StateDirectory);
            var snapshots = SnapshotStore.ReadAll(directory);
            if (snapshots.Count == 0)
            {
                cli.Out.MarkupLine($"[dim]no persisted snapshots in {Markup.Escape(directory)}; the agent saves one with self snapshot (persist: true)[/]");
                return 0;
            }
            var table = new Table().AddColumns("name", "saved", "settings", "runtime vars", "unregistered tools");
            foreach (var (name, snapshot, problem) in snapshots)
            {
                if (snapshot is null)
                {
                    table.AddRow(Markup.Escape(cli.ShownOnOut(name)), "[red]unreadable[/]", Markup.Escape(cli.ShownOnOut(problem ?? "")), "", "");
                    continue;
                }
                var changed = snapshot.Settings.Where(s => s.Value is not null).Select(s => $"{s.Key}={ValueText.Show(s.Key, s.Value)}");
                table.AddRow(
                    Markup.Escape(name),
                    snapshot.SavedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    // Setting values (a system prompt) and variable names are what the agent wrote, or what
                    // anyone wrote into the snapshot file: shown, not acted on, by a terminal.
                    Markup.Escape(cli.ShownOnOut(string.Join(", ", changed) is { Length: > 0 } text ? text : "as configured")),
                    Markup.Escape(cli.ShownOnOut(string.Join(", ", snapshot.RuntimeVars.Select(v => v.Key)) is { Length: > 0 } vars ? vars : "none")),
                    Markup.Escape(snapshot.UnregisteredTools.Count > 0 ? string.Join(", ", snapshot.UnregisteredTools) : "none"));
            }
            cli.Out.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Log(CliContext cli)
    {
        var session = new Argument<string?>("session") { Description = "The session id (default: the newest session)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("log", "List the self actions of a session, with what each changed") { session };
        command.SetAction(result =>
        {
            var path = JsonlTranscript.PathOf(SelfSetup.SessionsDirectory(cli.Options.Read(result).StateDirectory), result.GetValue(session));
            var records = JsonlTranscript.ReadRecords(path, SelfAuditEntry.RecordType);
            var id = Path.GetFileNameWithoutExtension(path);
            if (records.Count == 0)
            {
                cli.Out.MarkupLine($"[dim]session {Markup.Escape(id)}: no self actions[/]");
                return 0;
            }
            cli.Out.MarkupLine($"[dim]session {Markup.Escape(id)}: {records.Count} self action(s)[/]");
            foreach (var record in records)
            {
                var time = DateTimeOffset.TryParse((string?)record["time"], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
                    ? at.ToString("HH:mm:ss", CultureInfo.InvariantCulture)
                    : "--:--:--";
                var ok = (bool?)record["ok"] ?? false;
                var line = $"{time}  {(string?)record["summary"]}";
                if (!ok) line += $": {(string?)record["message"]}";
                cli.RawOut.WriteLine(line.ReplaceLineEndings(" "));
            }
            return 0;
        });
        return command;
    }
}
