using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MicroAgi.Cli.Hosting;
using MicroAgi.Registry;
using MicroAgi.Registry.Loading;
using MicroAgi.Registry.Storage;
using Spectre.Console;

namespace MicroAgi.Cli.Commands;

/// <summary><c>microagi registry list|show|apply|history|diff|rollback</c>.</summary>
internal static class RegistryCommands
{
    private static readonly JsonSerializerOptions Indented = ReadableJson.Indented;

    public static Command Create(CliContext cli)
    {
        var command = new Command("registry", "Inspect and change the registry: entries, versions, rollbacks");
        command.Add(List(cli));
        command.Add(Show(cli));
        command.Add(Apply(cli));
        command.Add(History(cli));
        command.Add(Diff(cli));
        command.Add(Rollback(cli));
        command.Add(Migrate(cli));
        return command;
    }

    private static Command List(CliContext cli)
    {
        var ns = new Option<string?>("--ns") { Description = "Only entries in exactly this namespace (e.g. app.generated)" };
        var kind = new Option<string?>("--kind") { Description = "Only entries of this kind; * is a wildcard (e.g. function.*)" };
        var type = new Option<string?>("--type") { Description = "Only entries with this meta.type (e.g. tool, llm.model)" };
        var limit = new Option<int>("--limit") { Description = "How many entries to show (default 100)", DefaultValueFactory = _ => 100, CustomParser = NumberArguments.SmallWholeNumber };
        var after = new Option<string?>("--after") { Description = "Show the entries after this id (the next page)" };
        var command = new Command("list", "List entries as a table, a page at a time") { ns, kind, type, limit, after };
        command.SetAction(async (result, ct) =>
        {
            var pageSize = result.GetValue(limit);
            if (pageSize < 1) throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--limit must be at least 1, not {pageSize}"));
            var cursor = result.GetValue(after) is { } text ? CliArguments.EntryId(text) : (EntryId?)null;
            await using var registry = await RegistryHost.OpenForReadingAsync(cli.Options.Read(result), ct);
            var query = new EntryQuery { Namespace = result.GetValue(ns), Kind = result.GetValue(kind) };
            if (result.GetValue(type) is { } t) query = query.WithMeta("type", t);
            var snapshot = registry.Snapshot();
            var page = snapshot.FindPage(query, cursor, pageSize);
            var table = new Table().Border(TableBorder.Simple).AddColumns("ID", "KIND", "TYPE", "TITLE");
            foreach (var entry in page.Entries)
            {
                table.AddRow(
                    Markup.Escape(entry.Id.ToString()),
                    Markup.Escape(entry.Kind),
                    Markup.Escape(cli.ShownOnOut(entry.MetaString("type") ?? "")),
                    Markup.Escape(cli.ShownOnOut(entry.MetaString("title") ?? entry.MetaString("comment") ?? "")));
            }
            cli.Out.Write(table);
            // The total is counted in the store's indexes; a page that is the whole list needs none.
            var partial = page.More || cursor is not null;
            var total = partial ? snapshot.Count(query) : page.Entries.Count;
            var counted = !partial ? $"{page.Entries.Count} entries"
                : total is { } all ? $"{page.Entries.Count} of {all} entries"
                : $"{page.Entries.Count} entries shown";
            cli.Out.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[dim]{counted}, registry version {snapshot.Version}[/]"));
            if (page.More)
            {
                var next = NextPageCommand(result.GetValue(ns), result.GetValue(kind), result.GetValue(type), pageSize, page.Entries[^1].Id);
                cli.Out.MarkupLine($"[dim]next page: {Markup.Escape(cli.ShownOnOut(next))}[/]");
            }
            return 0;
        });
        return command;
    }

    /// <summary>The command that shows the page after <paramref name="last"/>, with the same filters.</summary>
    private static string NextPageCommand(string? ns, string? kind, string? type, int limit, EntryId last)
    {
        var words = new List<string> { "microagi registry list" };
        if (ns is not null) words.Add("--ns " + ns);
        if (kind is not null) words.Add($"--kind '{kind}'");
        if (type is not null) words.Add("--type " + type);
        if (limit != 100) words.Add(string.Create(CultureInfo.InvariantCulture, $"--limit {limit}"));
        words.Add("--after " + last);
        return string.Join(' ', words);
    }

    private static Command Show(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The entry id, namespace:name" };
        var command = new Command("show", "Show one entry: kind, meta and data (with its source)") { id };
        command.SetAction(async (result, ct) =>
        {
            var entryId = CliArguments.EntryId(result.GetValue(id)!);
            await using var registry = await RegistryHost.OpenForReadingAsync(cli.Options.Read(result), ct);
            var entry = registry.Get(entryId);
            if (entry is null)
            {
                cli.Err.MarkupLine($"[red]error:[/] not found: {Markup.Escape(entryId.ToString())} (see 'microagi registry list')");
                return 1;
            }
            var output = cli.RawOut;
            output.WriteLine($"id:   {entry.Id}");
            output.WriteLine($"kind: {entry.Kind}");
            output.WriteLine("meta: " + JsonSerializer.Serialize(entry.Meta, Indented));
            var data = entry.DataObject();
            var source = data["source"]?.GetValueKind() == JsonValueKind.String ? (string?)data["source"] : null;
            if (source is not null) data.Remove("source");
            output.WriteLine("data: " + data.ToJsonString(Indented));
            if (source is not null)
            {
                output.WriteLine("source:");
                output.WriteLine(source);
            }
            return 0;
        });
        return command;
    }

    private static Command Apply(CliContext cli)
    {
        var file = new Argument<FileInfo>("changeset") { Description = "A YAML file with 'changes:' (op create|update|delete, id, kind, meta, data)" };
        var command = new Command("apply", "Apply a changeset file atomically: all of it or nothing") { file };
        command.SetAction(async (result, ct) =>
        {
            var changes = ChangeSetFile.Load(result.GetValue(file)!.FullName);
            await using var registry = await RegistryHost.OpenAsync(cli.Options.Read(result), ct);
            var version = await registry.ApplyAsync(changes, ct);
            if (version.Changes.Count == 0) cli.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"nothing changed: every entry is already as written (still version {version.Number})"));
            else WriteChanges(cli, string.Create(CultureInfo.InvariantCulture, $"applied version {version.Number}:"), version);
            return 0;
        });
        return command;
    }

    private static Command History(CliContext cli)
    {
        var limit = new Option<int>("--limit") { Description = "How many versions to show, newest ones (default 50)", DefaultValueFactory = _ => 50, CustomParser = NumberArguments.SmallWholeNumber };
        var before = new Option<long?>("--before") { Description = "Show the versions older than this one (the next page)", CustomParser = NumberArguments.OptionalWholeNumber };
        var author = new Option<string?>("--author") { Description = "Only versions written by this user, agent, session or machine" };
        var command = new Command("history", "List the applied versions, a page at a time, newest last") { limit, before, author };
        command.SetAction(async (result, ct) =>
        {
            var pageSize = result.GetValue(limit);
            if (pageSize < 1) throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--limit must be at least 1, not {pageSize}"));
            await using var registry = await RegistryHost.OpenForReadingAsync(cli.Options.Read(result), ct);
            var query = new HistoryQuery(pageSize, result.GetValue(before), result.GetValue(author));
            // One page more than shown tells whether older versions remain, without counting them all.
            var page = await registry.HistoryPageAsync(query with { Limit = pageSize + 1, Summary = true }, ct);
            var table = new Table().Border(TableBorder.Simple).AddColumns("VERSION", "APPLIED (UTC)", "AUTHOR", "DESCRIPTION", "CHANGES");
            // On a narrow terminal the change list and the author wrap first; the description stays whole.
            table.Columns[3].NoWrap();
            foreach (var version in page.Take(pageSize).Reverse())
            {
                table.AddRow(
                    version.Number.ToString(CultureInfo.InvariantCulture),
                    version.AppliedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    Markup.Escape(cli.ShownOnOut(ShortAuthor(version.Author))),
                    Markup.Escape(cli.ShownOnOut(version.Description ?? "")),
                    Markup.Escape(cli.ShownOnOut(ChangeList(version))));
            }
            cli.Out.Write(table);
            if (page.Count > pageSize)
            {
                var oldest = page[pageSize - 1].Number;
                cli.Out.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[dim]older versions: microagi registry history --before {oldest}[/]"));
            }
            cli.Out.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[dim]current version {registry.Version}; version 0 is the app as loaded from YAML[/]"));
            return 0;
        });
        return command;
    }

    /// <summary>Who wrote a version, short enough for a table column: the user, and the agent if one wrote it (diff shows all).</summary>
    private static string ShortAuthor(VersionAuthor? author) =>
        author is null ? "" : author.Agent is null ? author.User ?? "" : $"{author.User} ({author.Agent})";

    /// <summary>A version's changes as "create a, update b", and how many more a summary left out.</summary>
    private static string ChangeList(RegistryVersion version)
    {
        var shown = string.Join(", ", version.Changes.Select(c => $"{Op(c)} {c.Id}"));
        var more = version.ChangeCount - version.Changes.Count;
        return more > 0 ? string.Create(CultureInfo.InvariantCulture, $"{shown} … and {more} more (registry diff {version.Number})") : shown;
    }

    private static Command Diff(CliContext cli)
    {
        var number = new Argument<long>("version") { Description = "The version whose changes to show", CustomParser = NumberArguments.WholeNumber };
        var command = new Command("diff", "Show what one version changed, field by field") { number };
        command.SetAction(async (result, ct) =>
        {
            var wanted = result.GetValue(number);
            await using var registry = await RegistryHost.OpenForReadingAsync(cli.Options.Read(result), ct);
            var version = await registry.ReadVersionAsync(wanted, ct);
            if (version is null)
            {
                cli.Err.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[red]error:[/] no version {wanted}; the registry is at version {registry.Version} (see 'microagi registry history')"));
                return 1;
            }
            var output = cli.RawOut;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"version {version.Number}{(version.Description is null ? "" : " — " + version.Description)}"));
            if (version.Author is not null) output.WriteLine($"by {version.Author}");
            foreach (var change in version.Changes)
            {
                output.WriteLine($"{Op(change)} {change.Id}");
                foreach (var line in EntryDiff.Describe(change.Before, change.After)) output.WriteLine("  " + line);
                WriteUnifiedDiff(cli, change, version.Number);
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The change as <c>diff -u</c> shows it (the whole entry for a created or deleted one), coloured on a terminal
    /// that shows colours. Written line by line, unwrapped; stored text is made visible first.
    /// </summary>
    private static void WriteUnifiedDiff(CliContext cli, EntryChange change, long number)
    {
        var colours = cli.OutIsTerminal && cli.Out.Profile.Capabilities.ColorSystem != ColorSystem.NoColors;
        var terminal = cli.Out.Profile.Out.Writer;
        void Write(char kind, string text)
        {
            var colour = !colours ? "" : kind switch { '+' => "\u001b[32m", '-' => "\u001b[31m", '@' => "\u001b[36m", 'h' => "\u001b[1m", _ => "" };
            var shown = cli.ShownOnOut(text);
            terminal.WriteLine(colour.Length == 0 ? shown : colour + shown + "\u001b[0m");
        }
        var id = change.Id.ToString();
        Write('h', change.Before is null ? "--- /dev/null" : string.Create(CultureInfo.InvariantCulture, $"--- {id} (version {number - 1})"));
        Write('h', change.After is null ? "+++ /dev/null" : string.Create(CultureInfo.InvariantCulture, $"+++ {id} (version {number})"));
        foreach (var line in UnifiedDiff.Lines(EntryText.Lines(change.Before), EntryText.Lines(change.After)))
        {
            Write(line.Kind, line.Kind == '@' ? line.Text : line.Kind + line.Text);
        }
        terminal.Flush();
    }

    private static Command Rollback(CliContext cli)
    {
        var number = new Argument<long>("version") { Description = "The version to return to (0 = the app as loaded from YAML)", CustomParser = NumberArguments.WholeNumber };
        var command = new Command("rollback", "Make the registry equal to an earlier version again (recorded as a new version)") { number };
        command.SetAction(async (result, ct) =>
        {
            await using var registry = await RegistryHost.OpenAsync(cli.Options.Read(result), ct);
            var version = await registry.RollbackAsync(result.GetValue(number), ct);
            WriteChanges(cli, string.Create(CultureInfo.InvariantCulture, $"rolled back to version {result.GetValue(number)} as version {version.Number}:"), version);
            return 0;
        });
        return command;
    }

    private static Command Migrate(CliContext cli)
    {
        var from = new Option<string>("--from") { Description = "The registry to copy: sqlite:PATH or postgres://user:password@host:5432/db", Required = true };
        var to = new Option<string>("--to") { Description = "An empty registry to copy it into: postgres://… or sqlite:PATH", Required = true };
        var command = new Command("migrate", "Copy a registry with its whole history into an empty store (e.g. SQLite to PostgreSQL)") { from, to };
        command.SetAction(async (result, ct) =>
        {
            var source = Location("--from", result.GetValue(from)!);
            var target = Location("--to", result.GetValue(to)!);
            if (!source.IsPostgres && !File.Exists(source.FilePath)) throw new UsageException($"--from: there is no registry database at '{source.FilePath}'");
            await using var reading = await source.OpenAsync(ct);
            await using var writing = await target.OpenAsync(ct);
            long copied;
            try
            {
                copied = await RegistryMigration.CopyAsync(reading, writing, cancellationToken: ct);
            }
            catch (InvalidOperationException ex)
            {
                throw new UsageException($"--to: {ex.Message}", ex);
            }
            cli.RawOut.WriteLine(string.Create(CultureInfo.InvariantCulture, $"copied {copied} versions with their history"));
            return 0;
        });
        return command;
    }

    private static StoreLocation Location(string option, string text) =>
        StoreLocation.Problem(option, text) is { } problem ? throw new UsageException(problem) : StoreLocation.Parse(text);

    private static void WriteChanges(CliContext cli, string heading, RegistryVersion version)
    {
        var output = cli.RawOut;
        output.WriteLine(heading);
        foreach (var change in version.Changes) output.WriteLine($"  {Op(change)} {change.Id}");
    }

    private static string Op(EntryChange change) => change.Kind.ToString().ToLowerInvariant();
}
