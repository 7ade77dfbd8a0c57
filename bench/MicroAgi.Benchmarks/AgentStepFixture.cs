using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using MicroAgi.Agents.Runtime;
using MicroAgi.Functions;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Usage;
using MicroAgi.Lua.Runtime;
using MicroAgi.Registry;
using MicroAgi.Testing.FakeLlm;
using SdkChat = OpenAI.Chat;

namespace MicroAgi.Benchmarks;

/// <summary>
/// What the agent-step benchmarks share: a turn <c>PastSteps</c> tool steps long, in which the model calls the Lua
/// tool <c>greet</c> once more and then answers; the session that runs it, the two requests as the baselines send
/// them, and the request body a raw client writes.
/// </summary>
internal static class AgentStepFixture
{
    public const string ToolName = "greet";
    public const string ToolArguments = """{"name":"ada"}""";
    public const string ToolResult = """{"message":"hello, ada","length":3}""";
    public const string SystemPrompt = "You are a benchmark.";
    public const string ToolSchema = """{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}""";

    public static ModelDefinition Model { get; } = ModelCatalog.FromEntries([]).Resolve("bench-model");

    /// <summary>The model's two replies of a step: the call of <c>greet</c>, then the answer.</summary>
    public static FakeReply[] StepReplies() => [FakeReply.Call(ToolName, ToolArguments).WithUsage(100, 10), FakeReply.Say("done").WithUsage(100, 2)];

    /// <summary>The user's message and <paramref name="pastSteps"/> tool steps, as a session holds them.</summary>
    public static List<ChatMessage> History(int pastSteps)
    {
        List<ChatMessage> history = [new ChatMessage(ChatRole.User, "go")];
        for (var i = 0; i < pastSteps; i++)
        {
            var callId = $"call_{i}";
            history.Add(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent(callId, ToolName, new Dictionary<string, object?> { ["name"] = "ada" })]));
            history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(callId, ToolResult)]));
        }
        return history;
    }

    /// <summary>A session of an agent granted <c>greet</c>, whose model is <paramref name="client"/>.</summary>
    public static AgentSession Session(IChatClient client, LuaRuntime lua)
    {
        var registry = EntryRegistry.CreateInMemory([
            Entry.Create(EntryId.Parse("app:bench_agent"), "registry.entry",
                new JsonObject { ["type"] = "agent.gen1" },
                new JsonObject { ["prompt"] = SystemPrompt, ["model"] = "bench-model", ["tools"] = new JsonArray("app.tools:*") }),
            LuaToolFixture.Greet(new EntryId("app.tools", ToolName), "hello"),
        ]);
        var services = new AgentServices(registry, new FunctionCaller(registry, lua), _ => client, new CostTracker());
        return new AgentSession(services, new AgentContext(services, EntryId.Parse("app:bench_agent")), new Conversation());
    }

    /// <summary>The step's two requests as M.E.AI messages: the conversation, then the same with the call and its result.</summary>
    public static List<ChatMessage>[] AdapterRequests(List<ChatMessage> history)
    {
        var call = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call_new", ToolName, new Dictionary<string, object?> { ["name"] = "ada" })]);
        var result = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_new", ToolResult)]);
        List<ChatMessage> first = [new ChatMessage(ChatRole.System, SystemPrompt), .. history];
        return [first, [.. first, call, result]];
    }

    /// <summary>The same two requests as OpenAI SDK messages, built once.</summary>
    public static List<SdkChat.ChatMessage>[] SdkRequests(List<ChatMessage>[] adapterRequests) =>
        [.. adapterRequests.Select(messages => SdkChat.MicrosoftExtensionsAIChatExtensions.AsOpenAIChatMessages(messages).ToList())];

    public static ChatOptions AdapterOptions() =>
        new() { ModelId = "bench-model", Tools = [AIFunctionFactory.CreateDeclaration(ToolName, null, JsonElement.Parse(ToolSchema))] };

    public static SdkChat.ChatCompletionOptions SdkOptions() =>
        new() { Tools = { SdkChat.ChatTool.CreateFunctionTool(ToolName, functionParameters: BinaryData.FromString(ToolSchema)) } };

    /// <summary>The request body of a conversation <paramref name="pastSteps"/> tool steps long, written as a raw client would.</summary>
    public static void WriteRequest(Stream body, int pastSteps)
    {
        using var json = new Utf8JsonWriter(body);
        json.WriteStartObject();
        json.WriteString("model", "bench-model");
        json.WriteBoolean("stream", true);
        json.WriteStartArray("messages");
        WriteMessage(json, "system", SystemPrompt);
        WriteMessage(json, "user", "go");
        for (var i = 0; i < pastSteps; i++)
        {
            var callId = $"call_{i}";
            json.WriteStartObject();
            json.WriteString("role", "assistant");
            json.WriteStartArray("tool_calls");
            json.WriteStartObject();
            json.WriteString("id", callId);
            json.WriteString("type", "function");
            json.WriteStartObject("function");
            json.WriteString("name", ToolName);
            json.WriteString("arguments", ToolArguments);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartObject();
            json.WriteString("role", "tool");
            json.WriteString("tool_call_id", callId);
            json.WriteString("content", ToolResult);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("tools");
        json.WriteStartObject();
        json.WriteString("type", "function");
        json.WriteStartObject("function");
        json.WriteString("name", ToolName);
        json.WritePropertyName("parameters");
        json.WriteRawValue(ToolSchema);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter json, string role, string content)
    {
        json.WriteStartObject();
        json.WriteString("role", role);
        json.WriteString("content", content);
        json.WriteEndObject();
    }
}
