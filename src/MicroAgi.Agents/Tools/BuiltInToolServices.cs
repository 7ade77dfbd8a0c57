using MicroAgi.Agents.Tools.Docs;
using MicroAgi.Agents.Tools.Generated;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Tools;

/// <summary>What the built-in tools work on: the registry, the writer of generated tools, the docs and the machine.</summary>
public sealed record BuiltInToolServices
{
    public BuiltInToolServices(IRegistry registry, GeneratedToolWriter writer, IDocsCorpus docs)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(docs);
        Registry = registry;
        Writer = writer;
        Docs = docs;
    }

    public IRegistry Registry { get; }
    public GeneratedToolWriter Writer { get; }
    public IDocsCorpus Docs { get; }

    /// <summary>The workspace, approval gate and limits of the tools that reach the machine (the current directory, asking nobody, when not set).</summary>
    public MachineAccess? Machine { get; init; }

    /// <summary>A documentation site doc_search also asks, when one is configured.</summary>
    public RemoteDocs? RemoteDocs { get; init; }
}
