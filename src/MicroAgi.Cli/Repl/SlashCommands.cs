using System.Globalization;
using MicroAgi.Agents.Runtime;
using MicroAgi.Agents.Sessions;
using MicroAgi.Cli.Commands;
using MicroAgi.Cli.Hosting;
using Spectre.Console;

namespace MicroAgi.Cli.Repl;

/// <summary>What the REPL does after a line: run it as a turn, go on to the next prompt, or leave.</summary>
internal enum LineOutcome
{
    Prompt,
    Handled,
    Exit,
}

/// <summary>
/// The REPL's own commands (<c>/help</c>, <c>/model</c>, <c>/cost</c>, …): handled here, never sent to the model
/// and never billed. A line is a command when its first word is <c>/name</c> with letters only, so a prompt that
/// starts with a path (<c>/usr/bin/foo fails</c>) still goes to the model.
/// </summary>
internal sealed class SlashCommands
{
    private readonly CliContext _cli;
    private readonly SessionHost _host;
    private readonly ITurnView _view;
    private readonly Rendering.ToolCallDisplay _calls;
    private readonly IReadOnlyList<Command> _commands;

    /// <summary>The registry version before and after the last turn that changed the registry; /undo returns to the first.</summary>
    private (long Before, long After)? _lastWrite;

    public SlashCommands(CliContext cli, SessionHost host, ITurnView view, Rendering.ToolCallDisplay calls)
    {
        _calls = calls;
        _cli = cli;
        _host = host;
        _view = view;
        _commands =
        [
            new("help", "", "this list", (_, _) => Help()),
            new("model", "[name]", "show the model and the ones that can run, or switch to another", ModelAsync),
            new("cost", "", "what this session has spent, per model", (_, _) => Cost()),
            new("clear", "", "forget the conversation and start afresh (same session)", (_, _) => Clear()),
            new("compact", "", "summarise the conversation now to free the context", (_, ct) => CompactAsync(ct)),
            new("tools", "", "the tools the agent can call", (_, _) => Tools()),
            new("history", "", "the latest registry versions (tools created, rolled back)", (_, ct) => HistoryAsync(ct)),
            new("undo", "", "roll back what the last turn wrote to the registry", (_, ct) => UndoAsync(ct)),
            new("last", "", "the last tool call in full: arguments, source, result or error", (_, _) => Last()),
            new("verbose", "[on|off]", "show every tool call's arguments and result in full, or previews (the default)", (argument, _) => Verbose(argument)),
            new("resume", "", "the saved sessions and how to resume one", (_, _) => Resume()),
            new("self", "", "what the self tool did in this session (when tools.self_evolution is on)", (_, _) => Self()),
            new("exit", "", "leave (also /quit, quit, Ctrl+D, Ctrl+C twice)", (_, _) => Task.FromResult(LineOutcome.Exit)),
            new("quit", "", "", (_, _) => Task.FromResult(LineOutcome.Exit)),
        ];
    }

    /// <summary>
    /// Tab completion of a registry entry id as the last word of a prompt (<c>explain app.generated:sh</c> → <c>…:shout</c>):
    /// a word with a colon, or one that starts a namespace (<c>app.gen</c>).
    /// </summary>
    private List<string> EntryIds(string typed)
    {
        var start = typed.LastIndexOfAny([' ', '\n', '(', '`', '"', '\'']) + 1;
        var word = typed[start..];
        if (word.Length < 2 || !(word.Contains(':', StringComparison.Ordinal) || word.Contains('.', StringComparison.Ordinal))) return [];
        return [.. _host.Registry.Find(Registry.EntryQuery.All).Select(e => e.Id.ToString())
            .Where(id => id.StartsWith(word, StringComparison.Ordinal)).Order(StringComparer.Ordinal).Select(id => typed[..start] + id)];
    }

    /// <summary>Tab completion: a command's name, after <c>/model </c> a model's, or an entry id.</summary>
    /// <returns>The whole lines <paramref name="typed"/> may become.</returns>
    public IReadOnlyList<string> Complete(string typed)
    {
        if (typed.StartsWith("/model ", StringComparison.Ordinal))
        {
            var name = typed["/model ".Length..];
            return [.. _host.Services.Models().Models.Select(m => m.Name).Where(m => m.StartsWith(name, StringComparison.OrdinalIgnoreCase)).Select(m => "/model " + m)];
        }
        if (EntryIds(typed) is { Count: > 0 } ids) return ids;
        if (!typed.StartsWith('/') || typed.Contains(' ', StringComparison.Ordinal)) return [];
        return [.. _commands.Select(c => "/" + c.Name).Where(c => c.StartsWith(typed, StringComparison.OrdinalIgnoreCase))];
    }

    /// <summary>Remembers the registry versions around a turn, for /undo.</summary>
    public void TurnWrote(long before, long after)
    {
        if (after != before) _lastWrite = (before, after);
    }

    /// <summary>Runs <paramref name="line"/> if it is a command; <see cref="LineOutcome.Prompt"/> means it is a prompt for the model.</summary>
    public async Task<LineOutcome> RunAsync(string line, CancellationToken cancellationToken)
    {
        var trimmed = line.Trim();
        if (trimmed is "quit" or "exit") return LineOutcome.Exit;
        if (!trimmed.StartsWith('/')) return LineOutcome.Prompt;
        var space = trimmed.IndexOfAny([' ', '\t']);
        var name = space < 0 ? trimmed[1..] : trimmed[1..space];
        if (name.Length == 0 || !name.All(char.IsAsciiLetter)) return LineOutcome.Prompt;
        var arguments = space < 0 ? "" : trimmed[(space + 1)..].Trim();
        var command = _commands.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (command is null)
        {
            var suggestion = DidYouMean.Closest(name, _commands.Select(c => c.Name)) is { } close ? $" (did you mean /{close}?)" : "";
            _cli.Err.MarkupLine($"[red]error:[/] unknown command /{Markup.Escape(TerminalText.OneLine(name, 40))}{suggestion}; /help lists the commands");
            return LineOutcome.Handled;
        }
        return await command.Run(arguments, cancellationToken).ConfigureAwait(false);
    }

    private Task<LineOutcome> Help()
    {
        var table = new Table().NoBorder().HideHeaders().AddColumn("command").AddColumn("what it does");
        foreach (var command in _commands.Where(c => c.Summary.Length > 0))
        {
            table.AddRow($"[bold]/{command.Name}[/]{(command.Arguments.Length == 0 ? "" : " " + Markup.Escape(command.Arguments))}", Markup.Escape(command.Summary));
        }
        _cli.Out.Write(table);
        _cli.Out.MarkupLine("[dim]Anything else is sent to the model. Ctrl+C stops a turn; Enter after a trailing \\ (or Alt+Enter) starts a new line; Up/Down recall earlier prompts; Ctrl+R searches them.[/]");
        return Done;
    }

    private Task<LineOutcome> ModelAsync(string name, CancellationToken cancellationToken)
    {
        var catalog = _host.Services.Models();
        if (name.Length == 0)
        {
            _cli.Out.MarkupLine($"model [bold]{Markup.Escape(_host.Session.Runner.Model.Name)}[/]");
            var runnable = catalog.Models.Where(_host.Clients.CanRun).Select(m => m.Name).ToList();
            if (runnable.Count > 0) _cli.Out.MarkupLine($"[dim]can run: {Markup.Escape(string.Join(", ", runnable))} (or any model name your provider knows)[/]");
            return Done;
        }
        var model = catalog.Resolve(name);
        if (!_host.Clients.CanRun(model))
        {
            var providers = string.Join(", ", model.Providers.Select(p => p.ProviderId));
            _cli.Err.MarkupLine($"[red]error:[/] no configured provider can run {Markup.Escape(TerminalText.OneLine(name, 100))}"
                + (providers.Length == 0 ? "" : $" (it needs {Markup.Escape(providers)}; set its API key)") + "; the model stays " + Markup.Escape(_host.Session.Runner.Model.Name));
            return Done;
        }
        var tuning = _host.Session.Context.Tuning;
        var previous = tuning.Model;
        tuning.Model = name;
        try
        {
            _host.Session.Reload();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or Agents.Definitions.AgentDefinitionException)
        {
            tuning.Model = previous;
            _cli.Err.MarkupLine($"[red]error:[/] {Markup.Escape(_cli.ShownOnErr(ex.Message))}; the model stays {Markup.Escape(_host.Session.Runner.Model.Name)}");
            return Done;
        }
        _cli.Out.MarkupLine($"model [bold]{Markup.Escape(_host.Session.Runner.Model.Name)}[/] from the next request");
        return Done;
    }

    private Task<LineOutcome> Cost()
    {
        var costs = _host.Costs;
        foreach (var (model, spent) in costs.SessionByModel) _cli.Out.MarkupLine($"{Markup.Escape(model)}: {Markup.Escape(spent.Describe())}");
        _cli.Out.MarkupLine($"session {Markup.Escape(_host.TranscriptId)}: [bold]{Markup.Escape(costs.Session.Describe())}[/]");
        var (sessionUsd, turnUsd) = _host.Budget;
        if (sessionUsd is not null || turnUsd is not null)
        {
            var parts = new List<string>();
            if (sessionUsd is { } session) parts.Add(string.Create(CultureInfo.InvariantCulture, $"session ${session:0.00##}"));
            if (turnUsd is { } turn) parts.Add(string.Create(CultureInfo.InvariantCulture, $"turn ${turn:0.00##}"));
            _cli.Out.MarkupLine($"[dim]budget: {string.Join(", ", parts)}[/]");
        }
        return Done;
    }

    private Task<LineOutcome> Clear()
    {
        _host.Session.Conversation.Replace([]);
        _cli.Out.MarkupLine("[dim]conversation cleared; the session, its tools and its costs go on[/]");
        return Done;
    }

    private async Task<LineOutcome> CompactAsync(CancellationToken cancellationToken)
    {
        if (_host.Session.Conversation.Messages.Count == 0)
        {
            _cli.Out.MarkupLine("[dim]nothing to compact: the conversation is empty[/]");
            return LineOutcome.Handled;
        }
        try
        {
            await new ContextCompressor(_host.Services).CompressAsync(_host.Session.Conversation, _host.Session.Runner, answered: true, mustShrink: true, _view, cancellationToken)
                .ConfigureAwait(false);
            _host.Costs.EndTurn();
        }
        catch (Llm.Errors.LlmException ex)
        {
            _host.Costs.EndTurn();
            _view.EndLine();
            _cli.Err.MarkupLine($"[red]error:[/] could not compact the conversation, it stays as it is: {Markup.Escape(_cli.ShownOnErr(ex.Message))}");
        }
        return LineOutcome.Handled;
    }

    private Task<LineOutcome> Tools()
    {
        var runner = _host.Session.Runner;
        var table = new Table().NoBorder().AddColumn("tool").AddColumn("entry").AddColumn("what it does");
        foreach (var tool in runner.Tools)
        {
            table.AddRow(Markup.Escape(tool.Name), $"[dim]{Markup.Escape(tool.Tool.Id.ToString())}[/]", Markup.Escape(TerminalText.OneLine(tool.Tool.Description, 80)));
        }
        _cli.Out.Write(table);
        foreach (var problem in runner.Problems) _cli.Out.MarkupLine($"[yellow]not available:[/] {Markup.Escape(problem.Tool)}: {Markup.Escape(problem.Reason)}");
        return Done;
    }

    private async Task<LineOutcome> HistoryAsync(CancellationToken cancellationToken)
    {
        var history = await _host.Registry.HistoryAsync(cancellationToken).ConfigureAwait(false);
        foreach (var version in history.TakeLast(10))
        {
            var changes = string.Join(", ", version.Changes.Select(c => $"{c.Kind.ToString().ToLowerInvariant()} {c.Id}"));
            _cli.Out.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"[bold]{version.Number}[/] [dim]{version.AppliedAt.ToLocalTime():yyyy-MM-dd HH:mm}[/] {Markup.Escape(_cli.ShownOnOut(TerminalText.OneLine(changes, 160)))}"));
        }
        _cli.Out.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[dim]registry at version {_host.Registry.Version}; 'microagi registry diff N' shows a version in full[/]"));
        return LineOutcome.Handled;
    }

    private async Task<LineOutcome> UndoAsync(CancellationToken cancellationToken)
    {
        if (_lastWrite is not { } write || _host.Registry.Version != write.After)
        {
            _cli.Out.MarkupLine(_lastWrite is null
                ? "[dim]nothing to undo: no turn of this session changed the registry since it began or since the last /undo[/]"
                : "[dim]nothing to undo: the registry changed since the last turn (see /history, and 'microagi registry rollback N')[/]");
            return LineOutcome.Handled;
        }
        var version = await _host.Registry.RollbackAsync(write.Before, cancellationToken).ConfigureAwait(false);
        _lastWrite = null;
        _host.Session.Reload();
        _cli.Out.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"rolled the registry back to version {write.Before} (as version {version.Number}):"));
        foreach (var change in version.Changes) _cli.Out.MarkupLine($"  {change.Kind.ToString().ToLowerInvariant()} {Markup.Escape(change.Id.ToString())}");
        return LineOutcome.Handled;
    }

    private Task<LineOutcome> Resume()
    {
        var sessions = SessionSummary.List(_host.SessionsDirectory).Take(10).ToList();
        foreach (var session in sessions)
        {
            var current = session.Id == _host.TranscriptId ? " [green](this one)[/]" : "";
            _cli.Out.MarkupLine($"[bold]{Markup.Escape(session.Id)}[/]{current} [dim]{Markup.Escape(session.When)}[/] {Markup.Escape(_cli.ShownOnOut(session.FirstPrompt))}");
        }
        _cli.Out.MarkupLine("[dim]leave and run 'microagi --resume ID' (an id prefix is enough), or 'microagi --continue' for the newest[/]");
        return Done;
    }

    private Task<LineOutcome> Last()
    {
        _calls.ShowLast();
        return Done;
    }

    private Task<LineOutcome> Verbose(string argument)
    {
        switch (argument.ToLowerInvariant())
        {
            case "":
                _calls.Full = !_calls.Full;
                break;
            case "on":
                _calls.Full = true;
                break;
            case "off":
                _calls.Full = false;
                break;
            default:
                _cli.Err.MarkupLine($"[red]error:[/] /verbose takes on, off or nothing (to switch), not '{Markup.Escape(TerminalText.OneLine(argument, 40))}'");
                return Done;
        }
        _cli.Out.MarkupLine(_calls.Full
            ? "[dim]tool calls are shown in full (/verbose off for previews)[/]"
            : "[dim]tool calls are shown as previews (/verbose on for all of them, /last for the last one)[/]");
        return Done;
    }

    private Task<LineOutcome> Self()
    {
        if (!_host.SelfEvolution)
        {
            _cli.Out.MarkupLine("[dim]the self tool is off; set tools.self_evolution: true in microagi.yaml to give it to the agent (docs/self.md)[/]");
            return Done;
        }
        var records = JsonlTranscript.ReadRecords(Path.Combine(_host.SessionsDirectory, _host.TranscriptId + ".jsonl"), "self");
        if (records.Count == 0) _cli.Out.MarkupLine("[dim]the self tool has done nothing in this session[/]");
        foreach (var record in records) _cli.Out.MarkupLine($"[[self]] {Markup.Escape(_cli.ShownOnOut(TerminalText.OneLine((string?)record["summary"] ?? "", 200)))}");
        return Done;
    }

    private static Task<LineOutcome> Done => Task.FromResult(LineOutcome.Handled);

    private sealed record Command(string Name, string Arguments, string Summary, Func<string, CancellationToken, Task<LineOutcome>> Run);
}
