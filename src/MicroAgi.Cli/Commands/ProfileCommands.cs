using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MicroAgi.Agents.Policy;
using MicroAgi.Agents.Profiles;
using MicroAgi.Cli.Hosting;

namespace MicroAgi.Cli.Commands;

/// <summary><c>microagi profile new|list|show|edit</c>: the agent profiles of the state directory (docs/profiles.md).</summary>
internal static class ProfileCommands
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("profile", "Agent profiles: tool policy, model, prompt files (soul.md, user.md, workspace.md) and file memory");
        command.Add(New(cli));
        command.Add(List(cli));
        command.Add(Show(cli));
        command.Add(Edit(cli));
        return command;
    }

    private static Argument<string> IdArgument() => new("id") { Description = "The profile id: 1-64 of a-z, 0-9, '-' and '_'" };

    private static Command New(CliContext cli)
    {
        var id = IdArgument();
        var name = new Option<string?>("--name") { Description = "The display name (default: the id)" };
        var command = new Command("new", "Create a profile with a starting config.json, prompt files and an empty memory") { id, name };
        command.SetAction(result =>
        {
            var profile = Run(() => AgentProfile.Create(ProfileSetup.ProfilesDirectory(cli.Options.Read(result)), result.GetValue(id)!, result.GetValue(name)));
            cli.RawOut.WriteLine($"created profile {profile.Id} in {profile.Directory}");
            cli.RawOut.WriteLine($"edit it with: microagi profile edit {profile.Id} (or any editor); run with: microagi run --profile {profile.Id}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List(CliContext cli)
    {
        var command = new Command("list", "List the profiles");
        command.SetAction(result =>
        {
            var directory = ProfileSetup.ProfilesDirectory(cli.Options.Read(result));
            var ids = AgentProfile.List(directory);
            if (ids.Count == 0) cli.RawOut.WriteLine($"no profiles yet in {directory}; the default profile is created by the first 'microagi run', or create one with 'microagi profile new <id>'");
            foreach (var id in ids)
            {
                string described;
                try
                {
                    var profile = AgentProfile.Load(directory, id);
                    described = profile.Name + (profile.Model is { } model ? $" · model {model}" : "") + (profile.Provider is { } provider ? $" · provider {provider}" : "");
                }
                catch (ProfileException ex)
                {
                    described = "invalid: " + ex.Message;
                }
                cli.RawOut.WriteLine($"{id,-20} {described}{(id == AgentProfile.DefaultId ? " (default)" : "")}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Show(CliContext cli)
    {
        var id = IdArgument();
        var command = new Command("show", "Show a profile: its settings, tool policy (with unknown names reported) and files") { id };
        command.SetAction(async (result, ct) =>
        {
            var host = cli.Options.Read(result);
            var profile = Run(() => AgentProfile.Load(ProfileSetup.ProfilesDirectory(host), result.GetValue(id)!));
            cli.RawOut.WriteLine($"profile {profile.Id}: {profile.Name}");
            cli.RawOut.WriteLine($"  directory     {profile.Directory}");
            cli.RawOut.WriteLine($"  provider      {profile.Provider ?? "(the configuration's)"}");
            cli.RawOut.WriteLine($"  model         {profile.Model ?? "(the configuration's)"}");
            cli.RawOut.WriteLine($"  approval      {profile.Approval ?? "(the configuration's)"}");
            cli.RawOut.WriteLine($"  workspace     {profile.Workspace ?? "(the configuration's, else the current directory)"}");
            cli.RawOut.WriteLine($"  self          {(profile.SelfEvolution is { } on ? (on ? "on" : "off") : "(the configuration's)")}");
            foreach (var rules in profile.Tools.Global)
            {
                cli.RawOut.WriteLine($"  tools.allow   {(rules.Allow is null ? "(everything)" : string.Join(", ", rules.Allow))}");
                cli.RawOut.WriteLine($"  tools.deny    {string.Join(", ", rules.Deny ?? [])}");
            }
            foreach (var (provider, rules) in profile.Tools.ByProvider)
                cli.RawOut.WriteLine($"  byProvider    {provider}: allow {(rules.Allow is null ? "(everything)" : string.Join(", ", rules.Allow))}; deny {string.Join(", ", rules.Deny ?? [])}");
            if (profile.Tools.SubagentDeny.Count > 0) cli.RawOut.WriteLine($"  subagents     deny {string.Join(", ", profile.Tools.SubagentDeny)}");
            await using (var registry = await RegistryHost.OpenForReadingAsync(host, ct))
            {
                foreach (var problem in profile.Tools.Compile(ToolCatalog.FromRegistry(registry.Snapshot())).Problems) cli.RawErr.WriteLine("warning: " + problem);
            }
            cli.RawOut.WriteLine("  files");
            foreach (var file in Directory.EnumerateFiles(profile.Directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                cli.RawOut.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {Path.GetRelativePath(profile.Directory, file),-28} {new FileInfo(file).Length,8:N0} bytes"));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Edit(CliContext cli)
    {
        var id = IdArgument();
        var file = new Argument<string>("file") { Description = "The file to edit: config.json (default), soul.md, user.md, workspace.md or memory.md", DefaultValueFactory = _ => AgentProfile.ConfigFile };
        var command = new Command("edit", "Open a profile file in $VISUAL / $EDITOR, then check config.json") { id, file };
        command.SetAction(async (result, ct) =>
        {
            var directory = ProfileSetup.ProfilesDirectory(cli.Options.Read(result));
            var profile = Run(() => AgentProfile.Load(directory, result.GetValue(id)!));
            var name = result.GetValue(file)!;
            string[] editable = [AgentProfile.ConfigFile, .. AgentProfile.PromptFiles, AgentProfile.MemoryFileName];
            if (!editable.Contains(name, StringComparer.Ordinal)) throw new UsageException($"'{name}' is not a profile file; edit one of {string.Join(", ", editable)}");
            var path = Path.Combine(profile.Directory, name);
            var editor = Environment.GetEnvironmentVariable("VISUAL") is { Length: > 0 } visual ? visual : Environment.GetEnvironmentVariable("EDITOR");
            if (string.IsNullOrWhiteSpace(editor)) throw new UsageException($"set VISUAL or EDITOR to your editor (e.g. EDITOR=nano), or edit {path} directly");
            var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(editor + " \"$1\"");
            info.ArgumentList.Add("editor");
            info.ArgumentList.Add(path);
            using (var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {editor}"))
            {
                await process.WaitForExitAsync(ct);
                if (process.ExitCode != 0) throw new UsageException($"the editor '{editor}' exited with code {process.ExitCode}; {path} may be unchanged");
            }
            // A config that no longer loads is reported now, not at the next run.
            Run(() => AgentProfile.Load(directory, profile.Id));
            cli.RawOut.WriteLine($"{path} saved; profile {profile.Id} loads");
            return ExitCodes.Success;
        });
        return command;
    }

    private static AgentProfile Run(Func<AgentProfile> action)
    {
        try
        {
            return action();
        }
        catch (ProfileException ex)
        {
            throw new ConfigException(ex.Message, ex);
        }
    }
}
