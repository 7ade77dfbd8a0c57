using System.CommandLine;
using MicroAgi.Cli.Hosting;
using Spectre.Console;

namespace MicroAgi.Cli.Commands;

/// <summary><c>microagi config path|show|init</c>: where microagi.yaml is, what is in force, and a commented file to start from.</summary>
internal static class ConfigCommands
{
    /// <summary>The environment variables MicroAgi reads, and what for (also listed by <c>--help</c>).</summary>
    public static readonly IReadOnlyList<(string Name, string Meaning)> EnvironmentVariables =
    [
        ("OPENAI_API_KEY", "key for OpenAI or any OpenAI-compatible server"),
        ("OPENAI_BASE_URL", "an OpenAI-compatible endpoint (Ollama, vLLM, LM Studio, a proxy)"),
        ("ANTHROPIC_API_KEY", "key for Anthropic"),
        ("ANTHROPIC_BASE_URL", "an Anthropic-compatible endpoint"),
        ("MICROAGI_MODEL", "the model to run (--model beats it)"),
        ("MICROAGI_HOME", "the state directory (--state-dir beats it; default ~/.microagi)"),
        ("MICROAGI_REGISTRY_URL", "a shared registry: postgres://user:password@host:5432/db"),
        ("MICROAGI_LOG", "log level of the session log (trace adds request bodies)"),
        ("NO_COLOR", "no colours, and answers printed as written rather than rendered"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "send traces and metrics to an OpenTelemetry collector"),
    ];

    private const string Starter = """
        # microagi.yaml — MicroAgi's settings (docs/configuration.md lists every key).
        # Keys never go in this file: set OPENAI_API_KEY or ANTHROPIC_API_KEY in the environment.

        # model: gpt-5.1                 # a registry model name, a class (fast, smart) or any provider model name

        # providers:                     # default: from OPENAI_BASE_URL / OPENAI_API_KEY / ANTHROPIC_API_KEY
        #   - id: local
        #     kind: openai               # openai (any OpenAI-compatible server) or anthropic
        #     base_url: http://localhost:11434/v1
        #     api_key_env: OLLAMA_API_KEY

        # tools:
        #   approval: ask                # ask, auto-edit or full-auto
        #   self_evolution: false        # true gives the agent the self tool

        # budget:
        #   session_usd: 5.00            # stop making requests once the session has spent this much

        # terminal:
        #   tool_output: preview         # preview or full (/verbose switches it in the REPL)
        #   markdown: true               # false prints answers as the model wrote them

        # loop:
        #   max_iterations: 20
        """;

    public static Command Create(CliContext cli)
    {
        var command = new Command("config", "Where microagi.yaml is, what is set, and a file to start from");

        var path = new Command("path", "Print the path of microagi.yaml (in the state directory)");
        path.SetAction(result =>
        {
            cli.RawOut.WriteLine(FilePath(cli, result));
            return 0;
        });

        var show = new Command("show", "Print microagi.yaml (checked) and the environment variables MicroAgi reads");
        show.SetAction(result =>
        {
            var file = FilePath(cli, result);
            if (!File.Exists(file)) cli.Out.MarkupLine($"[dim]{Markup.Escape(file)} does not exist: every setting has its default ('microagi config init' writes one to edit)[/]");
            else
            {
                // Loading checks every key and value: show says at once what a run would refuse.
                MicroAgiConfig.Load(file, required: true);
                cli.Out.MarkupLine($"[dim]# {Markup.Escape(file)}[/]");
                cli.RawOut.Write(File.ReadAllText(file).TrimEnd() + Environment.NewLine);
            }
            cli.Out.MarkupLine("[dim]# environment[/]");
            foreach (var (name, _) in EnvironmentVariables)
            {
                var value = Environment.GetEnvironmentVariable(name);
                if (string.IsNullOrEmpty(value)) continue;
                // Keys are never printed, only that they are set.
                var shown = name.EndsWith("_KEY", StringComparison.Ordinal) || name == "MICROAGI_REGISTRY_URL" ? "(set)" : cli.ShownOnOut(value);
                cli.RawOut.WriteLine($"{name}={shown}");
            }
            return 0;
        });

        var force = new Option<bool>("--force") { Description = "Replace an existing microagi.yaml" };
        var init = new Command("init", "Write a commented microagi.yaml to the state directory") { force };
        init.SetAction(result =>
        {
            var file = FilePath(cli, result);
            if (File.Exists(file) && !result.GetValue(force))
            {
                cli.Err.MarkupLine($"[red]error:[/] {Markup.Escape(file)} already exists; edit it, or run 'microagi config init --force' to replace it");
                return ExitCodes.Failure;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, Starter + Environment.NewLine);
            cli.Out.MarkupLine($"wrote [bold]{Markup.Escape(file)}[/]; uncomment what you want to change (docs/configuration.md)");
            return 0;
        });

        command.Add(path);
        command.Add(show);
        command.Add(init);
        return command;
    }

    private static string FilePath(CliContext cli, ParseResult result) => Path.Combine(cli.Options.Read(result).StateDirectory, MicroAgiConfig.FileName);
}
