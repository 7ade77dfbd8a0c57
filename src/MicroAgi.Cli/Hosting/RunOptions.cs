using System.CommandLine;

namespace MicroAgi.Cli.Hosting;

/// <summary>The options of <c>microagi</c> / <c>microagi run</c>.</summary>
internal sealed class RunOptions
{
    public Option<string?> Prompt { get; } = new("--prompt", "-p") { Description = "Run one turn with this prompt, print the answer and exit" };
    public Option<string?> Model { get; } = new("--model") { Description = "A registry model name or class, or any provider model name (e.g. llama3.1 on Ollama)" };
    public Option<string?> BaseUrl { get; } = new("--base-url") { Description = "An OpenAI-compatible endpoint, e.g. http://localhost:11434/v1" };
    public Option<bool> NoStream { get; } = new("--no-stream") { Description = "Ask for whole responses (for servers that cannot stream tool calls)" };
    public Option<FileInfo?> Config { get; } = new("--config") { Description = "A microagi.yaml to use instead of the one in the state directory" };
    public Option<Commands.OutputFormat?> OutputFormat { get; } = new("--output-format")
    {
        Description = "With -p: text (the answer alone; progress and cost on stderr), json (one object: answer, tool_calls, usage, cost_usd, session_id) or stream-json (one JSON event per line, then that object)",
        CustomParser = Commands.OutputFormats.Parse,
    };

    public Option<string?> Resume { get; } = new("--resume")
    {
        Description = "Continue a saved session: its id, or nothing for the newest",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public void AddTo(Command command)
    {
        command.Add(Prompt);
        command.Add(Model);
        command.Add(BaseUrl);
        command.Add(NoStream);
        command.Add(Config);
        command.Add(Resume);
        command.Add(OutputFormat);
    }
}
