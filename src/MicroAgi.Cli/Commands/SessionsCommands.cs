using System.CommandLine;
using System.Globalization;
using MicroAgi.Cli.Repl;
using Spectre.Console;

namespace MicroAgi.Cli.Commands;

/// <summary><c>microagi sessions list</c>: the saved sessions, newest first, to resume with <c>--resume ID</c> (a prefix is enough).</summary>
internal static class SessionsCommands
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("sessions", "The saved sessions (resume one with --resume ID, or the newest with --continue)");
        var list = new Command("list", "The saved sessions, newest first: id, last used, turns, cost, first prompt");
        list.SetAction(result =>
        {
            var sessions = Path.Combine(cli.Options.Read(result).StateDirectory, "sessions");
            var table = new Table().NoBorder().AddColumn("id").AddColumn("last used").AddColumn("turns").AddColumn("cost").AddColumn("first prompt");
            foreach (var session in SessionSummary.List(sessions))
            {
                table.AddRow(Markup.Escape(session.Id), session.When, session.Turns.ToString(CultureInfo.InvariantCulture),
                    string.Create(CultureInfo.InvariantCulture, $"${session.Cost:0.00##}"), Markup.Escape(cli.ShownOnOut(session.FirstPrompt)));
            }
            cli.Out.Write(table);
            return 0;
        });
        command.Add(list);
        return command;
    }
}
