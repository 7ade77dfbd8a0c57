using System.Text.Json.Nodes;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;
using MicroAgi.Registry;
using Microsoft.Extensions.AI;

namespace MicroAgi.Llm.Tests.Models;

public sealed class ModelCatalogTests
{
    /// <summary>The two model entries of seed 000, fields in meta as Wippy YAML puts them.</summary>
    internal static Entry Gpt51() => ModelEntry("app", "gpt-5.1", """
        {
          "name": "gpt-5.1", "type": "llm.model", "title": "GPT-5.1", "comment": "Reasoning model",
          "capabilities": ["generate", "tool_use", "structured_output", "vision", "thinking"],
          "class": ["reasoning"], "priority": 210, "max_tokens": 128000, "output_tokens": 32768,
          "pricing": {"input": 2.5, "output": 10},
          "providers": [{"id": "wippy.llm.openai:provider", "options": {"reasoning_model_request": true},
                         "provider_model": "gpt-5.1", "thinking_effort": 10}]
        }
        """);

    internal static Entry Gpt41Nano() => ModelEntry("app", "gpt-4.1-nano", """
        {
          "name": "gpt-4.1-nano", "type": "llm.model", "title": "GPT-4.1 Nano", "comment": "Compression model",
          "capabilities": ["generate", "tool_use", "structured_output"],
          "class": ["fast"], "priority": 100, "max_tokens": 1047576, "output_tokens": 32768,
          "pricing": {"input": 0.1, "output": 0.4},
          "providers": [{"id": "wippy.llm.openai:provider", "provider_model": "gpt-4.1-nano"}]
        }
        """);

    internal static Entry ModelEntry(string ns, string name, string metaJson, string? dataJson = null) =>
        Entry.Create(new EntryId(ns, name), "registry.entry",
            JsonNode.Parse(metaJson)!.AsObject(), dataJson is null ? null : JsonNode.Parse(dataJson)!.AsObject());

    [Fact]
    public void Reads_every_field_of_a_seed_model_entry()
    {
        var model = ModelEntryParser.Parse(Gpt51());

        Assert.Equal("gpt-5.1", model.Name);
        Assert.Equal(new EntryId("app", "gpt-5.1"), model.EntryId);
        Assert.Equal("GPT-5.1", model.Title);
        Assert.Contains("thinking", model.Capabilities);
        Assert.Equal(["reasoning"], model.Classes);
        Assert.Equal(210, model.Priority);
        Assert.Equal(128_000, model.ContextWindow);
        Assert.Equal(32_768, model.OutputTokens);
        Assert.Equal(new ModelPricing(2.5m, 10m), model.Pricing);
        var binding = Assert.Single(model.Providers);
        Assert.Equal("wippy.llm.openai:provider", binding.ProviderId);
        Assert.Equal("gpt-5.1", binding.ProviderModel);
        Assert.True(binding.Flag("reasoning_model_request"));
        Assert.Equal(10, model.ThinkingEffort);
        Assert.True(model.IsReasoningModel);
        Assert.True(model.IsRegistered);
    }

    [Fact]
    public void Resolves_a_model_by_name_by_entry_id_and_by_class()
    {
        var catalog = ModelCatalog.FromEntries([Gpt51(), Gpt41Nano()]);

        Assert.Equal("gpt-5.1", catalog.Resolve("gpt-5.1").Name);
        Assert.Equal("gpt-5.1", catalog.Resolve("GPT-5.1").Name);
        Assert.Equal("gpt-4.1-nano", catalog.Resolve("app:gpt-4.1-nano").Name);
        Assert.Equal("gpt-4.1-nano", catalog.Resolve("fast").Name);
        Assert.Equal("gpt-5.1", catalog.Resolve("reasoning").Name);
    }

    [Fact]
    public void Chooses_the_highest_priority_model_of_a_class()
    {
        var catalog = ModelCatalog.FromEntries(
        [
            ModelEntry("app", "small", """{"type":"llm.model","class":["fast"],"priority":5}"""),
            ModelEntry("app", "smaller", """{"type":"llm.model","class":"fast","priority":50}"""),
            ModelEntry("app", "big", """{"type":"llm.model","class":["reasoning"],"priority":500}"""),
        ]);

        Assert.Equal("smaller", catalog.FindByClass("fast")?.Name);
        Assert.Null(catalog.FindByClass("vision"));
    }

    [Fact]
    public void Runs_an_unknown_name_as_an_unregistered_provider_model_with_default_limits()
    {
        var catalog = ModelCatalog.FromEntries([Gpt51()], new ModelLimits(ContextWindow: 8192, OutputTokens: 1024));

        var model = catalog.Resolve("llama3.1");

        Assert.Equal("llama3.1", model.Name);
        Assert.False(model.IsRegistered);
        Assert.Equal(8192, model.ContextWindow);
        Assert.Equal(1024, model.OutputTokens);
        Assert.False(model.Pricing.IsKnown);
        Assert.Equal("llama3.1", model.ProviderModelFor(new ProviderSettings { Kind = ProviderKind.OpenAI }));
    }

    [Fact]
    public void Ignores_entries_that_are_not_models()
    {
        var tool = Entry.Create(new EntryId("app.tools", "doc_search"), "function.lua", new JsonObject { ["type"] = "tool" });
        var agent = ModelEntry("app", "dev_assistant", """{"type":"agent.gen1","model":"gpt-5.1"}""");

        var catalog = ModelCatalog.FromEntries([tool, agent, Gpt41Nano()]);

        Assert.Equal(["gpt-4.1-nano"], catalog.Models.Select(m => m.Name));
    }

    [Fact]
    public void Reads_fields_from_data_when_meta_does_not_have_them()
    {
        var entry = ModelEntry("app", "local", """{"type":"llm.model"}""",
            """{"max_tokens": 8192, "output_tokens": 2048, "pricing": {"input": 0, "output": 0, "cached_input": 0}, "providers": [{"id": "ollama"}]}""");

        var model = ModelEntryParser.Parse(entry);

        Assert.Equal("local", model.Name);
        Assert.Equal(8192, model.ContextWindow);
        Assert.Equal(2048, model.OutputTokens);
        Assert.True(model.Pricing.IsKnown);
        Assert.Equal("local", Assert.Single(model.Providers).ProviderModel);
    }

    [Theory]
    [InlineData("""{"type":"llm.model","max_tokens":"big"}""", "field 'max_tokens' must be an integer of at least 1, not \"big\"")]
    [InlineData("""{"type":"llm.model","output_tokens":0}""", "field 'output_tokens' must be an integer of at least 1, not 0")]
    [InlineData("""{"type":"llm.model","pricing":{"input":1}}""", "field 'pricing.output' is missing")]
    [InlineData("""{"type":"llm.model","pricing":{"input":-1,"output":1}}""", "field 'pricing.input' must be a non-negative number")]
    [InlineData("""{"type":"llm.model","providers":[{"provider_model":"x"}]}""", "field 'providers[0].id' is missing")]
    [InlineData("""{"type":"llm.model","class":[1]}""", "field 'class' must list strings, but holds 1")]
    [InlineData("""{"type":"llm.model","thinking_effort":150}""", "field 'thinking_effort' must be an integer from 0 to 100, not 150")]
    public void Rejects_a_malformed_model_entry_naming_the_entry_and_the_field(string meta, string expected)
    {
        var error = Assert.Throws<ModelEntryException>(() => ModelEntryParser.Parse(ModelEntry("app", "broken", meta)));

        Assert.StartsWith("model entry 'app:broken': ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Picks_the_binding_that_matches_the_provider_by_id_then_by_kind()
    {
        var model = ModelEntryParser.Parse(ModelEntry("app", "multi", """
            {"type":"llm.model","providers":[
              {"id":"wippy.llm.openai:provider","provider_model":"gpt-x"},
              {"id":"wippy.llm.anthropic:provider","provider_model":"claude-x"},
              {"id":"openrouter","provider_model":"vendor/x"}]}
            """));

        Assert.Equal("gpt-x", model.ProviderModelFor(new ProviderSettings { Kind = ProviderKind.OpenAI }));
        Assert.Equal("claude-x", model.ProviderModelFor(new ProviderSettings { Kind = ProviderKind.Anthropic }));
        Assert.Equal("vendor/x", model.ProviderModelFor(new ProviderSettings { Kind = ProviderKind.OpenAI, Id = "openrouter" }));
    }

    [Fact]
    public async Task Reads_the_models_of_a_live_registry()
    {
        await using var registry = EntryRegistry.CreateInMemory([Gpt51(), Gpt41Nano()]);

        var catalog = ModelCatalog.FromRegistry(registry);

        Assert.Equal(["gpt-5.1", "gpt-4.1-nano"], catalog.Models.Select(m => m.Name));
    }

    [Theory]
    [InlineData(0, ReasoningEffort.None)]
    [InlineData(10, ReasoningEffort.Low)]
    [InlineData(50, ReasoningEffort.Medium)]
    [InlineData(100, ReasoningEffort.High)]
    public void Maps_the_thinking_effort_scale_to_reasoning_levels(int thinkingEffort, ReasoningEffort expected) =>
        Assert.Equal(expected, ThinkingEffortScale.ToReasoningEffort(thinkingEffort));
}
