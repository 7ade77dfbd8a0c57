using System.Text.RegularExpressions;
using YamlDotNet.Core;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// A value in microagi.yaml that YAML reading could not put into its setting, said in the file's terms.
/// YamlDotNet's own words named our types ("No node deserializer was able to deserialize the node into
/// type MicroAgi.Cli.Hosting.SandboxConfig, microagi, Version=0.1.0.0 …", "Invalid cast from
/// 'System.String' to 'System.Collections.Generic.List`1[[System.String, …]]'", "Value was either too
/// large or too small for a UInt64") or did not say which value ("The input string '1e20' was not in a
/// correct format").
/// </summary>
internal static partial class ConfigValueError
{
    public static string Describe(YamlException exception, string text)
    {
        var inner = exception.InnerException;
        var setting = SettingBefore(text, exception.Start.Line, exception.Start.Column);
        var where = setting is null ? "this value" : $"the value of '{setting}'";
        // A scalar that did not convert is quoted; a list or a mapping in the wrong place is not.
        var quoted = ValueAt(text, exception.Start.Line, exception.Start.Column) is { } value ? $"{where} ('{value}')" : where;
        var message = inner?.Message ?? exception.Message;
        return inner switch
        {
            OverflowException => $"{quoted} is out of range for the setting",
            FormatException when message.Contains("Boolean", StringComparison.Ordinal) => $"{quoted} must be true or false",
            FormatException => $"{quoted} is not a number this setting takes (a whole number such as 64, or a decimal such as 0.5 where the setting allows one)",
            _ when Expected(message) is { } expected => $"{where} must be {expected}",
            // A message of YAML syntax (an unclosed quote, bad indentation) names no type: it is kept, without
            // the position the line number already gives.
            _ => Position().Replace(message, "").Replace("Property", "setting", StringComparison.Ordinal),
        };
    }

    /// <summary>What the setting takes, read from the target type a YamlDotNet message names; null when it names none.</summary>
    private static string? Expected(string message)
    {
        if (message.StartsWith("Expected 'SequenceStart'", StringComparison.Ordinal)) return "a list (- item lines, or [a, b])";
        if (message.StartsWith("Expected 'MappingStart'", StringComparison.Ordinal)) return "a mapping (key: value lines)";
        if (message.StartsWith("Expected 'Scalar'", StringComparison.Ordinal)) return "a single value, not a list or a mapping";
        var target = TargetType().Match(message);
        if (!target.Success) return null;
        var type = target.Groups["type"].Value;
        if (type.Contains("List`1", StringComparison.Ordinal) || type.EndsWith("[]", StringComparison.Ordinal)) return "a list (- item lines, or [a, b])";
        if (type.Contains("Dictionary`2", StringComparison.Ordinal)) return "a mapping (key: value lines)";
        if (type.StartsWith("System.String", StringComparison.Ordinal)) return "a single value (text), not a list or a mapping";
        if (type.StartsWith("System.Boolean", StringComparison.Ordinal)) return "true or false";
        if (type.StartsWith("System.", StringComparison.Ordinal)) return "a number, not a list or a mapping";
        return "a mapping of settings (key: value lines), not a single value or a list";
    }

    /// <summary>The plain scalar that starts at <paramref name="line"/>, <paramref name="column"/> (1-based), if one does.</summary>
    private static string? ValueAt(string text, long line, long column)
    {
        var lines = text.Split('\n');
        if (line < 1 || line > lines.Length || column < 1 || column > lines[line - 1].Length) return null;
        var scalar = PlainScalar().Match(lines[line - 1], (int)column - 1);
        return scalar.Success && scalar.Index == column - 1 ? scalar.Value.TrimEnd() : null;
    }

    /// <summary>
    /// The key whose value starts at <paramref name="line"/>, <paramref name="column"/> (1-based): the last
    /// <c>key:</c> before that column (<c>sandbox: {memory_mb: 1e20}</c> is memory_mb's value), else the
    /// nearest less indented key above.
    /// </summary>
    private static string? SettingBefore(string text, long line, long column)
    {
        var lines = text.Split('\n');
        if (line < 1 || line > lines.Length) return null;
        var content = lines[line - 1];
        var before = content[..(int)Math.Clamp(column - 1, 0, content.Length)];
        var key = LastKey().Match(before);
        if (key.Success) return key.Groups["key"].Value;
        // A block value (a mapping where a list belongs) starts on the line after its key, indented deeper.
        for (var above = line - 2; above >= 0; above--)
        {
            var parent = lines[above];
            if (parent.Length - parent.TrimStart().Length >= column - 1 || LastKey().Match(parent) is not { Success: true } owner) continue;
            return owner.Groups["key"].Value;
        }
        return null;
    }

    // "into type X, assembly…", "instance of type 'X'", "Invalid cast from 'A' to 'X'": the type the value was to become.
    [GeneratedRegex(@"(?:into type |instance of type '|cast from '[^']*' to ')(?<type>[A-Za-z0-9_.`]+(?:\[\[[^\]]*\]\]|\[\])?)")]
    private static partial Regex TargetType();

    [GeneratedRegex(@"(?<key>[A-Za-z_][A-Za-z0-9_]*)\s*:(?!.*[A-Za-z_][A-Za-z0-9_]*\s*:)", RegexOptions.RightToLeft)]
    private static partial Regex LastKey();

    [GeneratedRegex(@"[^\s,\[\]{}#'""][^,\[\]{}#\r]{0,79}")]
    private static partial Regex PlainScalar();

    [GeneratedRegex(@"\s*\(at Line: \d+, Col: \d+, Idx: \d+\)")]
    private static partial Regex Position();
}
