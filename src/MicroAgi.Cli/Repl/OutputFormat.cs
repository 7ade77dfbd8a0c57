using System.CommandLine.Parsing;

namespace MicroAgi.Cli.Repl;

/// <summary>What -p prints on stdout: the answer as text, one JSON object, or one JSON event per line.</summary>
internal enum OutputFormat
{
    Text,
    Json,
    StreamJson,
}

/// <summary>Reads --output-format's words (stream-json has a dash, which an enum name cannot).</summary>
internal static class OutputFormats
{
    public static OutputFormat? Parse(ArgumentResult result)
    {
        var word = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
        switch (word)
        {
            case "text": return OutputFormat.Text;
            case "json": return OutputFormat.Json;
            case "stream-json": return OutputFormat.StreamJson;
            default:
                result.AddError($"--output-format must be text, json or stream-json, not '{word}'");
                return null;
        }
    }

    public static string Name(OutputFormat format) => format switch
    {
        OutputFormat.Json => "json",
        OutputFormat.StreamJson => "stream-json",
        _ => "text",
    };
}
