using System.CommandLine.Parsing;
using System.Globalization;

namespace MicroAgi.Cli.Commands;

/// <summary>
/// Parsers for numeric options and arguments that say what was wrong in the user's terms. Left to
/// System.CommandLine, 'abc' for a number was "Cannot parse argument 'abc' for option '--timeout' as
/// expected type 'System.Nullable`1[System.Double]'" — and a validator reading the value afterwards
/// crashed the process with that as an unhandled exception (exit 134).
/// </summary>
internal static class NumberArguments
{
    /// <summary>A whole number (versions, counts).</summary>
    public static long WholeNumber(ArgumentResult result) => OptionalWholeNumber(result) ?? 0;

    public static long? OptionalWholeNumber(ArgumentResult result) =>
        Parse(result, "a whole number", static (string text, out long value) => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value));

    /// <summary>A whole number that fits an int (counts).</summary>
    public static int SmallWholeNumber(ArgumentResult result) =>
        Parse(result, "a whole number", static (string text, out int value) => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)) ?? 0;

    /// <summary>A number of seconds (or any decimal number); a range check is the option's own.</summary>
    public static double? Number(ArgumentResult result) =>
        Parse(result, "a number", static (string text, out double value) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value));

    /// <summary>An amount of money, exactly as written.</summary>
    public static decimal? Amount(ArgumentResult result) =>
        Parse(result, "an amount such as 0.50", static (string text, out decimal value) => decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out value));

    private delegate bool TryParse<T>(string text, out T value);

    /// <summary>The value, or null after reporting what was wrong (the command does not run then).</summary>
    private static T? Parse<T>(ArgumentResult result, string expected, TryParse<T> parse)
        where T : struct
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (parse(text, out var value)) return value;
        var name = result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;
        result.AddError($"{name} must be {expected}, not '{text}'");
        return null;
    }
}
