using System.Text.Json;
using Microsoft.Extensions.AI;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Runtime;

/// <summary>A registry tool as the LLM sees it: the name it calls, the description and the parameters.</summary>
public sealed record ToolBinding(EntryId Id, string LlmName, string Description, JsonElement Schema)
{
    public AIFunctionDeclaration ToDeclaration() => AIFunctionFactory.CreateDeclaration(LlmName, Description, Schema);
}
