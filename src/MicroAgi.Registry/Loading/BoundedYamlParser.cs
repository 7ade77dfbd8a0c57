using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace MicroAgi.Registry.Loading;

/// <summary>
/// A YAML event stream that ends in a <see cref="YamlLimitException"/> at the first event nesting deeper
/// than <c>maxDepth</c> collections or exceeding <c>maxNodes</c> nodes — before anything is built
/// from it. <c>YamlStream.Load</c> builds its tree recursively with no depth limit, so a few hundred
/// thousand <c>[</c> overflow the .NET stack, which kills the process (a stack overflow cannot be
/// caught); loading through this parser cannot. Every YAML reader of the host that reads untrusted
/// text (app files, changesets, the Lua <c>yaml</c> module) loads through it.
/// </summary>
public sealed class BoundedYamlParser(IParser inner, int maxDepth, int maxNodes, Action? everyThousandNodes = null) : IParser
{
    private int _depth;
    private int _nodes;

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (!inner.MoveNext()) return false;
        var current = inner.Current!;
        switch (current)
        {
            case SequenceStart or MappingStart when ++_depth > maxDepth:
                throw new YamlLimitException(current.Start, current.End, $"the document nests deeper than {maxDepth} levels");
            case SequenceEnd or MappingEnd:
                _depth--;
                break;
        }
        if (current is NodeEvent)
        {
            if (++_nodes > maxNodes) throw new YamlLimitException(current.Start, current.End, $"the document has more than {maxNodes} values");
            if (_nodes % 1000 == 0) everyThousandNodes?.Invoke();
        }
        return true;
    }
}

/// <summary>The YAML text is well formed but bigger or deeper than the reader allows.</summary>
public sealed class YamlLimitException(Mark start, Mark end, string message) : YamlException(start, end, message);
