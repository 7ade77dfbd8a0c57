using System.Text.Json;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;
using MicroAgi.Llm.Tests.Models;

namespace MicroAgi.Llm.Tests.Providers;

public sealed class ChatClientFactoryTests
{
    private static readonly ProviderSettings OpenAI = new() { Kind = ProviderKind.OpenAI, ApiKey = "sk-openai-secret-1" };
    private static readonly ProviderSettings Anthropic = new() { Kind = ProviderKind.Anthropic, ApiKey = "sk-ant-secret-2" };
    private static readonly ProviderSettings OpenRouter = new() { Kind = ProviderKind.OpenAI, Id = "openrouter", BaseUrl = new Uri("https://openrouter.ai/api/v1"), ApiKey = "sk-or-3" };

    [Fact]
    public void Runs_a_model_on_the_provider_its_entry_names()
    {
        var factory = new ChatClientFactory([Anthropic, OpenAI]);
        var gpt = ModelEntryParser.Parse(ModelCatalogTests.Gpt51());
        var claude = gpt with { Name = "claude", Providers = [new ModelProviderBinding("wippy.llm.anthropic:provider", "claude-x", default)] };
        var routed = gpt with { Name = "routed", Providers = [new ModelProviderBinding("openrouter", "vendor/model", default)] };

        Assert.Same(OpenAI, factory.SelectProvider(gpt));
        Assert.Same(Anthropic, factory.SelectProvider(claude));
        Assert.Same(OpenRouter, new ChatClientFactory([OpenAI, OpenRouter]).SelectProvider(routed));
    }

    [Fact]
    public void Runs_an_unregistered_model_on_the_first_provider()
    {
        var factory = new ChatClientFactory([OpenRouter, Anthropic]);

        Assert.Same(OpenRouter, factory.SelectProvider(ModelDefinition.Unregistered("llama3.1", ModelLimits.Default)));
    }

    [Fact]
    public void Says_which_provider_is_missing_when_none_can_run_the_model()
    {
        var factory = new ChatClientFactory([Anthropic]);
        var gpt = ModelEntryParser.Parse(ModelCatalogTests.Gpt51());

        var error = Assert.Throws<InvalidOperationException>(() => factory.SelectProvider(gpt));

        Assert.Contains("'wippy.llm.openai:provider'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Anthropic.ApiKey!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Never_shows_the_key_when_settings_are_printed()
    {
        Assert.DoesNotContain("sk-openai-secret-1", OpenAI.ToString(), StringComparison.Ordinal);
        Assert.Contains("key set", OpenAI.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://example.com/v1", "must be an absolute http or https URL")]
    [InlineData("/relative", "must be an absolute http or https URL")]
    public void Rejects_a_base_url_that_is_not_http(string url, string expected)
    {
        var settings = new ProviderSettings { Kind = ProviderKind.OpenAI, BaseUrl = new Uri(url, UriKind.RelativeOrAbsolute) };

        var error = Assert.Throws<ArgumentException>(() => ChatClientFactory.Create(ModelDefinition.Unregistered("m", ModelLimits.Default), settings));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_retry_settings_that_make_no_sense()
    {
        var bad = new ProviderSettings { Kind = ProviderKind.OpenAI, Retry = new RetrySettings { MaxRetries = -1 } };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ChatClientFactory([bad]));

        Assert.Contains("retries must be between 0 and 20", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"type":"object"}""")]
    [InlineData("""{"properties":{}}""")]
    public void Makes_an_empty_or_partial_tool_schema_a_valid_object_schema(string schema)
    {
        var ready = ToolSchema.ForProviders(JsonDocument.Parse(schema).RootElement);

        Assert.True(ToolSchema.IsProviderReady(ready));
        Assert.Equal("object", ready.GetProperty("type").GetString());
        Assert.Empty(ready.GetProperty("properties").EnumerateObject());
    }

    [Fact]
    public void Keeps_a_complete_tool_schema_as_it_is()
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}""").RootElement;

        Assert.Equal(schema.GetRawText(), ToolSchema.ForProviders(schema).GetRawText());
    }

    [Theory]
    [InlineData("""{"type":"string"}""", "must have type \"object\"")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("""{"type":"object","properties":[]}""", "\"properties\" must be an object")]
    public void Rejects_a_tool_schema_no_provider_accepts(string schema, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => ToolSchema.ForProviders(JsonDocument.Parse(schema).RootElement));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
