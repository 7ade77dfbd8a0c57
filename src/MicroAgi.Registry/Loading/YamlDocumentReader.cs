using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace MicroAgi.Registry.Loading;

/// <summary>
/// Parses a YAML file that must hold one document. App and changeset files may come from anyone, and
/// YamlDotNet's node loader recurses once per nesting level: text nested deeply enough would overflow
/// the stack, which kills the process before any catch runs. So the parser's events are checked
/// (<see cref="BoundedYamlParser"/>) before the loader sees them.
/// </summary>
internal static class YamlDocumentReader
{
    /// <summary>
    /// Far deeper than any app needs, and shallow enough that an entry's data (which starts two levels
    /// down) never reaches System.Text.Json's 64-level limit.
    /// </summary>
    public const int MaxDepth = 64;

    /// <returns>The root node of the file's document, or null when the file holds none.</returns>
    public static YamlNode? Read(string text, string display)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new SingleDocumentParser(new BoundedYamlParser(new Parser(new StringReader(text)), MaxDepth, int.MaxValue), display));
        }
        catch (YamlLimitException ex)
        {
            throw new AppLoadException(display, ex.Start.Line, $"{ex.Message}; flatten the structure", ex);
        }
        catch (YamlException ex)
        {
            throw new AppLoadException(display, ex.Start.Line, $"malformed YAML: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    /// <summary>Passes the events through, stopping at a second document or an alias.</summary>
    private sealed class SingleDocumentParser(IParser inner, string display) : IParser
    {
        private int _documents;

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext()) return false;
            var current = inner.Current!;
            var line = current.Start.Line;
            if (current is DocumentStart && ++_documents > 1)
            {
                // Anything after it would otherwise be dropped without a word.
                throw new AppLoadException(display, line, "a second YAML document starts here; put everything in one document");
            }
            if (current is AnchorAlias)
            {
                // The loader shares the aliased node and JSON conversion copies it at every use, so a
                // few lines of nested aliases ("billion laughs") would expand to billions of values.
                throw new AppLoadException(display, line, "YAML aliases (*name) are not supported; write the value out");
            }
            return true;
        }
    }
}
