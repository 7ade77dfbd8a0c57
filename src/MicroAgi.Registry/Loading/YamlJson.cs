using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MicroAgi.Registry.Loading;

/// <summary>Turns YAML nodes into JSON nodes with YAML 1.2 core-schema typing of plain scalars.</summary>
internal static class YamlJson
{
    public static JsonNode? Convert(YamlNode node, Func<string, YamlNode, string>? mapString = null) => node switch
    {
        YamlScalarNode scalar => ConvertScalar(scalar, mapString),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(c => Convert(c, mapString)).ToArray()),
        YamlMappingNode mapping => ConvertMapping(mapping, mapString),
        _ => throw new YamlException(node.Start, node.End, $"unsupported YAML node ({node.NodeType}); aliases are not supported"),
    };

    public static string Key(YamlNode key) => key is YamlScalarNode { Value: { } text }
        ? text
        : throw new YamlException(key.Start, key.End, "mapping keys must be plain strings");

    private static JsonObject ConvertMapping(YamlMappingNode mapping, Func<string, YamlNode, string>? mapString)
    {
        var result = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            var name = Key(key);
            if (result.ContainsKey(name)) throw new YamlException(key.Start, key.End, $"duplicate key '{name}'");
            result[name] = Convert(value, mapString);
        }
        return result;
    }

    private static JsonNode? ConvertScalar(YamlScalarNode scalar, Func<string, YamlNode, string>? mapString)
    {
        var text = scalar.Value ?? string.Empty;
        var plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;
        if ((!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == "tag:yaml.org,2002:str") || !plain)
        {
            return JsonValue.Create(mapString is null ? text : mapString(text, scalar));
        }
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)) return JsonValue.Create(integer);
        if (LooksNumeric(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            // 1e400 parses as infinity, which JSON cannot hold: say so here, where the line is known.
            if (!double.IsFinite(real)) throw new YamlException(scalar.Start, scalar.End, $"the number {text} is too large to store; quote it to keep it as text");
            return JsonValue.Create(real);
        }
        return JsonValue.Create(mapString is null ? text : mapString(text, scalar));
    }

    // double.TryParse also accepts "Infinity" and "NaN", which YAML spells differently and we keep as strings.
    private static bool LooksNumeric(string text) =>
        text.Length > 0 && (char.IsAsciiDigit(text[0]) || ((text[0] is '-' or '+' or '.') && text.Length > 1 && (char.IsAsciiDigit(text[1]) || text[1] == '.')));
}
