using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace MicroAgi.Cli.Commands;

/// <summary><c>microagi --help</c> ends with the environment variables MicroAgi reads and a few examples, as a new user needs them.</summary>
internal static class HelpText
{
    private static readonly (string Command, string What)[] Examples =
    [
        ("microagi", "the REPL (/help lists its commands)"),
        ("microagi -p \"what time is it?\"", "one turn: the answer on stdout, progress and cost on stderr"),
        ("microagi -p \"...\" --output-format json", "one JSON object: answer, tool calls, usage, cost, session id"),
        ("OPENAI_BASE_URL=http://localhost:11434/v1 microagi --model llama3.1", "a local OpenAI-compatible server"),
        ("microagi --continue", "continue the newest session (--resume ID for another; sessions list)"),
        ("microagi config init", "write a commented microagi.yaml to start from"),
        ("source <(microagi completion bash)", "tab completion for bash (zsh, fish too)"),
    ];

    /// <summary>Makes the root's help (not a subcommand's) go on with the environment and examples after the usual text.</summary>
    public static void Extend(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().FirstOrDefault();
        if (help?.Action is SynchronousCommandLineAction usual) help.Action = new ExtendedHelp(usual, root);
    }

    private sealed class ExtendedHelp(SynchronousCommandLineAction usual, RootCommand root) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var code = usual.Invoke(parseResult);
            if (parseResult.CommandResult.Command != root) return code;
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Environment:");
            var width = ConfigCommands.EnvironmentVariables.Max(v => v.Name.Length) + 2;
            foreach (var (name, meaning) in ConfigCommands.EnvironmentVariables) output.WriteLine($"  {name.PadRight(width)}{meaning}");
            output.WriteLine();
            output.WriteLine("Examples:");
            foreach (var (command, what) in Examples)
            {
                output.WriteLine($"  {command}");
                output.WriteLine($"      {what}");
            }
            output.WriteLine();
            return code;
        }
    }
}
