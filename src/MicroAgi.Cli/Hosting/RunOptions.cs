using System.CommandLine;

namespace MicroAgi.Cli.Hosting;

/// <summary>The options of <c>microagi</c> / <c>microagi run</c>.</summary>
internal sealed class RunOptions
{
    public Option<string?> Prompt { get; } = new("--prompt", "-p") { Description = "Run one turn with this prompt, print the answer and exit" };
    public Option<string?> Model { get; } = new("--model") { Description = "A registry model name or class, or any provider model name (e.g. llama3.1 on Ollama)" };
    public Option<string?> BaseUrl { get; } = new("--base-url") { Description = "An OpenAI-compatible endpoint, e.g. http://localhost:11434/v1" };
    public Option<bool> NoStream { get; } = new("--no-stream") { Description = "Ask for whole responses (for servers that cannot stream tool calls)" };
    public Option<string?> Approval { get; } = new("--approval")
    {
        Description = "What may change the machine without asking: ask (default in the REPL), auto-edit (file changes) or full-auto; -p never asks, so it refuses changes unless a mode allows them",
    };
    public Option<string?> Profile { get; } = new("--profile")
    {
        Description = "Run with this profile (<state dir>/profiles/<id>: tool policy, model, prompt files, memory); default: the default profile",
    };

    public Option<string[]> ToolsAllow { get; } = ToolPolicySetup.NamesOption("--tools-allow",
        "Offer only these tools (names, aliases, web_*, group:fs; comma-separated or repeated); narrows the profile's policy, never widens it");

    public Option<string[]> ToolsDeny { get; } = ToolPolicySetup.NamesOption("--tools-deny", "Never offer these tools (deny wins over every allow)");

    public Option<FileInfo?> Config { get; } = new("--config") { Description = "A microagi.yaml to use instead of the one in the state directory" };
    public Option<Repl.OutputFormat?> OutputFormat { get; } = new("--output-format")
    {
        Description = "With -p: text (the answer alone; progress and cost on stderr), json (one object: answer, tool_calls, usage, cost_usd, session_id) or stream-json (one JSON event per line, then that object)",
        CustomParser = Repl.OutputFormats.Parse,
    };

    public Option<string?> Resume { get; } = new("--resume")
    {
        Description = "Continue a saved session: its id, or nothing for the newest",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public Option<bool> Raw { get; } = new("--raw") { Description = "Print answers exactly as the model wrote them, not rendered as markdown (as when piped or with NO_COLOR)" };

    public Option<bool> Continue { get; } = new("--continue", "-c") { Description = "Continue the newest saved session (as --resume with no id)" };

    public Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Log each model call and HTTP exchange (keys masked) to stderr; MICROAGI_LOG=trace adds bodies (docs/observability.md)",
    };

    public Option<double?> Timeout { get; } = new("--timeout")
    {
        Description = "Give up a turn that takes longer than this many seconds (the whole turn: every model request and tool call)",
        // A parser, not a validator: a validator reading a value that did not parse threw, and crashed the process.
        CustomParser = result =>
        {
            var seconds = Commands.NumberArguments.Number(result);
            if (seconds is { } given && !(given > 0 && given <= ConfigSeconds.Longest))
                result.AddError($"--timeout must be a number of seconds above 0 and at most {ConfigSeconds.Text(ConfigSeconds.Longest)}, not {ConfigSeconds.Text(given)}");
            return seconds;
        },
    };

    public Option<decimal?> MaxBudgetUsd { get; } = new("--max-budget-usd")
    {
        Description = "Stop making model requests once the session has spent this many US dollars (overrides budget.session_usd)",
        CustomParser = result =>
        {
            var amount = Commands.NumberArguments.Amount(result);
            if (amount is not null && BudgetConfig.UsdProblem("--max-budget-usd", amount) is { } problem) result.AddError(problem);
            return amount;
        },
    };

    public void AddTo(Command command)
    {
        command.Add(Verbose);
        command.Add(Prompt);
        command.Add(Model);
        command.Add(BaseUrl);
        command.Add(NoStream);
        command.Add(Approval);
        command.Add(Profile);
        command.Add(ToolsAllow);
        command.Add(ToolsDeny);
        command.Add(Config);
        command.Add(Resume);
        command.Add(Continue);
        command.Add(Raw);
        command.Add(Timeout);
        command.Add(OutputFormat);
        command.Add(MaxBudgetUsd);
    }
}
