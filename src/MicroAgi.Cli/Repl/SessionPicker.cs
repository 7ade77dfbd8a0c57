using System.Globalization;
using MicroAgi.Cli.Commands;
using Spectre.Console;

namespace MicroAgi.Cli.Repl;

/// <summary>
/// <c>microagi --resume</c> without an id at a terminal: lists the latest saved sessions, numbered, and asks which
/// one to continue (Enter: the newest; a number; the start of an id; <c>n</c>: a new session instead).
/// </summary>
internal static class SessionPicker
{
    private const int Shown = 10;

    /// <returns>The chosen session's id, "" for the newest, or null for a new session.</returns>
    public static string? Pick(CliContext cli, string sessionsDirectory, Func<string?> readLine)
    {
        var sessions = SessionSummary.List(sessionsDirectory).Take(Shown).ToList();
        if (sessions.Count == 0)
        {
            cli.Out.MarkupLine("[dim]no saved sessions yet: starting a new one[/]");
            return null;
        }
        var table = new Table().NoBorder().AddColumn("#").AddColumn("id").AddColumn("last used").AddColumn("turns").AddColumn("cost").AddColumn("first prompt");
        for (var i = 0; i < sessions.Count; i++)
        {
            var session = sessions[i];
            table.AddRow((i + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(session.Id), session.When, session.Turns.ToString(CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture, $"${session.Cost:0.00##}"), Markup.Escape(cli.ShownOnOut(session.FirstPrompt)));
        }
        cli.Out.Write(table);
        while (true)
        {
            cli.Out.Markup($"resume which session? [dim](Enter: 1, a number 1–{sessions.Count}, the start of an id, n: a new session)[/] ");
            var answer = readLine()?.Trim();
            if (answer is null or "" or "1") return sessions[0].Id;
            if (answer is "n" or "new") return null;
            if (int.TryParse(answer, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= sessions.Count) return sessions[number - 1].Id;
            try
            {
                return SessionSummary.Resolve(sessionsDirectory, answer);
            }
            catch (UsageException ex)
            {
                cli.Out.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
            }
        }
    }
}
