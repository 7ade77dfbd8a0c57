using System.Reflection;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization.NamingConventions;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// Checks every key of microagi.yaml against the settings the configuration classes have, before they are
/// read: the deserializer's own message names a .NET type ("not found on type 'MicroAgi.Cli.Hosting…'"),
/// while this one names the key by its path and suggests the setting that was meant.
/// </summary>
internal static class ConfigKeys
{
    /// <returns>The first unknown key, as "line: what is wrong" with a suggestion; null when every key is known.</returns>
    /// <remarks>Reads the parser's events rather than a node tree, descending only into our sections (a few levels),
    /// and gives up on a value nested deeper than any setting is: the scanner's cost grows with the square of the
    /// nesting, and the deserializer refuses such a value at its first level anyway.</remarks>
    public static string? Problem(string yaml, Type root)
    {
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        var found = parser.TryConsume<DocumentStart>(out _) ? Check(parser, root, path: "") : null;
        return found == GaveUp ? null : found;
    }

    private const int MostNesting = 16;

    /// <summary>Returned up the walk when a value is nested too deep to check (see <see cref="Problem"/>).</summary>
    private const string GaveUp = "";

    private static string? Check(IParser parser, Type type, string path)
    {
        if (ElementType(type) is { } element && parser.TryConsume<SequenceStart>(out _))
        {
            for (var i = 0; !parser.TryConsume<SequenceEnd>(out _); i++)
            {
                if (Check(parser, element, $"{path}[{i}]") is { } problem) return problem;
            }
            return null;
        }
        if (!IsSection(type) || !parser.TryConsume<MappingStart>(out _)) return Skip(parser) ? null : GaveUp;
        var settings = Settings(type);
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            if (!parser.TryConsume<Scalar>(out var keyNode))
            {
                // A complex key: not a setting name; the deserializer says what is wrong with it.
                if (!Skip(parser) || !Skip(parser)) return GaveUp;
                continue;
            }
            var key = keyNode.Value;
            var here = path.Length == 0 ? key : $"{path}.{key}";
            if (!settings.TryGetValue(key, out var property)) return Unknown(key, here, keyNode, settings.Keys, path);
            if (Check(parser, property.PropertyType, here) is { } problem) return problem;
        }
        return null;
    }

    /// <summary>Moves past one value; false when it is nested deeper than <see cref="MostNesting"/>.</summary>
    private static bool Skip(IParser parser)
    {
        var depth = 0;
        do
        {
            depth += parser.Current!.NestingIncrease;
            if (depth > MostNesting) return false;
            parser.MoveNext();
        }
        while (depth > 0);
        return true;
    }

    private static string Unknown(string key, string path, ParsingEvent node, IEnumerable<string> known, string section)
    {
        var where = section.Length == 0 ? "at the top level" : $"in {section}";
        var suggestion = DidYouMean.Closest(key, known) is { } meant ? $"; did you mean '{meant}'?" : "";
        return $"{node.Start.Line}: unknown setting '{path}'{suggestion} (the settings {where}: {string.Join(", ", known.Order(StringComparer.Ordinal))})";
    }

    private static Dictionary<string, PropertyInfo> Settings(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .ToDictionary(p => UnderscoredNamingConvention.Instance.Apply(p.Name), StringComparer.Ordinal);

    /// <summary>Our own configuration classes are sections; strings, numbers and the like are values.</summary>
    private static bool IsSection(Type type) => type.IsClass && type != typeof(string) && type.Assembly == typeof(ConfigKeys).Assembly;

    private static Type? ElementType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : null;
}
