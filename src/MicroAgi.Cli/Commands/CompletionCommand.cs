using System.CommandLine;
using System.Text;

namespace MicroAgi.Cli.Commands;

/// <summary>
/// <c>microagi completion bash|zsh|fish</c>: a script that completes MicroAgi's commands, subcommands and options in
/// that shell, made from the command tree itself so it never falls behind it.
/// </summary>
internal static class CompletionCommand
{
    private static readonly string[] Shells = ["bash", "zsh", "fish"];

    public static Command Create(CliContext cli, RootCommand root)
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or fish" };
        shell.AcceptOnlyFromAmong(Shells);
        var command = new Command("completion", "Print a shell completion script: source <(microagi completion bash), or see docs/terminal.md") { shell };
        command.SetAction(result =>
        {
            var script = result.GetValue(shell) switch
            {
                "fish" => Fish(root),
                "zsh" => "autoload -U +X bashcompinit && bashcompinit\n" + Bash(root),
                _ => Bash(root),
            };
            cli.RawOut.Write(script);
            return 0;
        });
        return command;
    }

    /// <summary>Every command path below the root ("" for the root, "registry" …) with its subcommands and options.</summary>
    private static IEnumerable<(string Path, Command Command)> Commands(Command command, string path = "")
    {
        yield return (path, command);
        foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
        {
            foreach (var inner in Commands(sub, (path + " " + sub.Name).Trim())) yield return inner;
        }
    }

    private static IEnumerable<string> Options(Command command, RootCommand root) =>
        command.Options.Concat(command == root ? [] : root.Options.Where(o => o.Recursive))
            .Where(o => !o.Hidden).SelectMany(o => new[] { o.Name }.Concat(o.Aliases)).Where(n => n.StartsWith("--", StringComparison.Ordinal)).Distinct();

    private static string Bash(RootCommand root)
    {
        var script = new StringBuilder("""
            # microagi completion for bash: source <(microagi completion bash)
            _microagi() {
              local cur="${COMP_WORDS[COMP_CWORD]}" path="" i
              for ((i = 1; i < COMP_CWORD; i++)); do
                case "${COMP_WORDS[i]}" in -*) ;; *) path="${path:+$path }${COMP_WORDS[i]}" ;; esac
              done
              local commands="" options=""
              case "$path" in

            """);
        foreach (var (path, command) in Commands(root))
        {
            var commands = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
            script.Append("    \"").Append(path).Append("\") commands=\"").AppendJoin(' ', commands)
                .Append("\" options=\"").AppendJoin(' ', Options(command, root)).Append("\" ;;\n");
        }
        script.Append("""
              esac
              # Options once a dash is typed, as git's completion does; commands otherwise.
              if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$options" -- "$cur")); else COMPREPLY=($(compgen -W "$commands" -- "$cur")); fi
            }
            complete -o default -F _microagi microagi

            """);
        return script.ToString();
    }

    private static string Fish(RootCommand root)
    {
        var script = new StringBuilder("# microagi completion for fish: microagi completion fish | source\n");
        foreach (var (path, command) in Commands(root))
        {
            // The commands on the way to this one have been typed, and none of its own subcommands yet.
            var condition = path.Length == 0
                ? "__fish_use_subcommand"
                : $"__fish_seen_subcommand_from {path.Split(' ')[^1]}";
            foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
            {
                script.Append(System.Globalization.CultureInfo.InvariantCulture, $"complete -c microagi -f -n '{condition}' -a {sub.Name} -d {Quote(sub.Description)}\n");
            }
            foreach (var option in command.Options.Where(o => !o.Hidden && o.Name.StartsWith("--", StringComparison.Ordinal)))
            {
                script.Append(System.Globalization.CultureInfo.InvariantCulture, $"complete -c microagi -n '{condition}' -l {option.Name[2..]} -d {Quote(option.Description)}\n");
            }
        }
        return script.ToString();
    }

    private static string Quote(string? text)
    {
        var line = (text ?? "").ReplaceLineEndings(" ");
        if (line.Length > 80) line = line[..79] + "…";
        return "'" + line.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
    }
}
