using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace MicroAgi.Llm.Providers;

/// <summary>
/// Reassembles streamed tool calls: the first update of a call carries its index, id and name, later ones
/// carry pieces of the arguments under the same index. Servers that send no index (every update then says
/// index 0) are handled too: an update with a new id under an index that already holds a call begins another
/// call. Calls are handed out only when the stream says it is finished, so a call cut off half-way is never
/// mistaken for a complete one.
/// </summary>
internal sealed class ToolCallAccumulator
{
    private readonly List<PendingCall> _calls = [];
    private readonly Dictionary<int, PendingCall> _byIndex = [];

    public bool HasPending => _calls.Count > 0;

    /// <summary>The name of the last call begun, for error messages.</summary>
    public string? LastName => _calls.Count == 0 ? null : _calls[^1].Name;

    public void Add(int index, string? id, string? name, BinaryData? argumentsPiece)
    {
        if (!_byIndex.TryGetValue(index, out var call) || (!string.IsNullOrEmpty(id) && call.Id is not null && call.Id != id))
        {
            call = new PendingCall();
            _calls.Add(call);
            _byIndex[index] = call;
        }
        if (!string.IsNullOrEmpty(id)) call.Id = id;
        if (!string.IsNullOrEmpty(name)) call.Name = name;
        if (argumentsPiece is not null) call.Arguments.Append(argumentsPiece.ToString());
    }

    /// <summary>The complete calls, in the order they began; clears the accumulator. Arguments that are not
    /// valid JSON are reported through <see cref="FunctionCallContent.Exception"/>, for the caller to answer the
    /// model.</summary>
    public List<FunctionCallContent> Complete()
    {
        var result = new List<FunctionCallContent>(_calls.Count);
        for (var i = 0; i < _calls.Count; i++)
        {
            var call = _calls[i];
            var arguments = call.Arguments.ToString();
            result.Add(FunctionCallContent.CreateFromParsedArguments(
                string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments,
                call.Id ?? $"call_{i}",
                call.Name ?? "",
                ParseArguments));
        }
        _calls.Clear();
        _byIndex.Clear();
        return result;
    }

    internal static IDictionary<string, object?>? ParseArguments(string json) =>
        JsonSerializer.Deserialize(json, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>))) as IDictionary<string, object?>;

    private sealed class PendingCall
    {
        public string? Id { get; set; }
        public string? Name { get; set; }
        public StringBuilder Arguments { get; } = new();
    }
}
