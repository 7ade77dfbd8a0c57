using System.Text.Json.Nodes;
using MicroAgi.Agents.Runtime;
using MicroAgi.Agents.Self;
using MicroAgi.Agents.Tests.Runtime;
using MicroAgi.Registry;

namespace MicroAgi.Agents.Tests.Self;

public sealed class SelfSafetyTests
{
    private const string Key = "sk-proj-Abcdefghijklmnop0123456789";
    private const string UrlPassword = "hunter2-url-password";

    [Fact]
    public async Task No_secret_appears_when_everything_reachable_is_inspected_and_called()
    {
        await using var fx = new SelfFixture(knownSecrets: [Key, "proxyuser", UrlPassword]);
        // Secrets the agent might come across: a prompt that quotes a key, a variable holding a URL with credentials.
        fx.Session.Conversation.Add(new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, $"my key is {Key}"));
        fx.Self.Vars.TrySet("endpoint", $"https://proxyuser:{UrlPassword}@gateway.example/v1?api_key=abc123secret", out _);
        fx.Self.Vars.TrySet("auth_token", "plain-value-123", out _);
        var outputs = new List<string> { await fx.OkAsync("""{"action":"inspect"}"""), await fx.OkAsync("""{"action":"list_tools"}""") };

        foreach (var (path, member) in fx.Self.Surface.Walk().ToList())
        {
            outputs.Add((await fx.CallAsync(new JsonObject { ["action"] = "inspect", ["key"] = path }.ToJsonString())).ToString());
            if (member is SurfaceMethod)
                outputs.Add((await fx.CallAsync(new JsonObject { ["action"] = "call", ["method"] = path }.ToJsonString())).ToString());
        }
        outputs.Add(await fx.OkAsync("""{"action":"inspect","key":"_runtime_vars"}"""));
        outputs.Add(await fx.OkAsync("""{"action":"inspect","key":"endpoint"}"""));
        outputs.Add((await fx.CallAsync("""{"action":"inspect","key":"auth_token"}""")).ToString());
        outputs.Add(await fx.OkAsync("""{"action":"snapshot","name":"with_secrets"}"""));
        outputs.AddRange(fx.Audit.Entries.Select(e => e.ToJson().ToJsonString()));

        var all = string.Join("\n", outputs);
        Assert.Contains("***", all);
        Assert.DoesNotContain(Key, all);
        Assert.DoesNotContain(UrlPassword, all);
        Assert.DoesNotContain("abc123secret", all);
        Assert.DoesNotContain("plain-value-123", all);
        Assert.DoesNotContain("proxyuser", all);
    }

    [Fact]
    public async Task A_value_that_looks_like_a_key_is_masked_even_when_nobody_said_it_is_one()
    {
        await using var fx = new SelfFixture();

        var text = await fx.OkAsync("""{"action":"modify","key":"note","value":"use sk-ant-api03-abcdefghijklmnopqrstuvwxyz and Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc"}""");

        Assert.DoesNotContain("abcdefghijklmnop", text);
        Assert.DoesNotContain("eyJhbGci", text);
        Assert.DoesNotContain("abcdefghijklmnop", fx.Audit.Entries[^1].ToJson().ToJsonString());
    }

    [Theory]
    [InlineData("api_key", true)]
    [InlineData("apiKey", true)]
    [InlineData("OPENAI_API_KEY", true)]
    [InlineData("password", true)]
    [InlineData("auth_token", true)]
    [InlineData("client_secret", true)]
    [InlineData("max_tokens", false)]
    [InlineData("context_window_tokens", false)]
    [InlineData("input_tokens", false)]
    [InlineData("author", false)]
    [InlineData("keyboard_layout", false)]
    [InlineData("monkey", false)]
    public void Secret_names_are_recognised_by_their_words(string name, bool secret) =>
        Assert.Equal(secret, SecretMask.IsSecretName(name));

    [Fact]
    public void A_component_cannot_publish_a_credential()
    {
        var surface = new RuntimeSurface();

        var error = Assert.Throws<ArgumentException>(() => surface.Publish("web", new SurfaceProperty("api_key", "The search key", () => "x")));

        Assert.Contains("never published", error.Message);
    }

    [Fact]
    public async Task Every_action_is_audited_with_a_summary_and_its_outcome()
    {
        await using var fx = new SelfFixture(maxIterations: 40);

        await fx.OkAsync("""{"action":"modify","key":"max_iterations","value":80}""");
        await fx.ErrorAsync("""{"action":"modify","key":"max_iterations","value":500}""");
        await fx.OkAsync("""{"action":"inspect","key":"model"}""");
        await fx.OkAsync("""{"action":"manage_tool","name":"echo","manage_action":"unregister"}""");

        Assert.Equal(
            ["modify max_iterations 40 → 80", "modify max_iterations refused", "inspect model", "manage_tool unregister echo"],
            fx.Audit.Entries.Select(e => e.Summary));
        Assert.Equal([true, false, true, true], fx.Audit.Entries.Select(e => e.Succeeded));
        var record = fx.Audit.Entries[0].ToJson();
        Assert.Equal("self", (string?)record["type"]);
        Assert.Equal(40, (int?)record["old"]);
        Assert.Equal(80, (int?)record["new"]);
        Assert.Contains("not 500", (string?)fx.Audit.Entries[1].ToJson()["message"]);
    }

    [Fact]
    public async Task The_watchdog_puts_an_out_of_range_value_back_and_says_so()
    {
        await using var fx = new SelfFixture(maxIterations: 40);
        fx.Tuning.MaxIterations = 500; // not through modify: the watchdog is the safety net for whatever bypasses the checks
        fx.Tuning.ContextWindowTokens = 10;
        var observer = new RecordingObserver();

        new SelfWatchdog(fx.Self.Surface).BeforeStep(fx.Session, observer);

        Assert.Equal(40, fx.Tuning.MaxIterations);
        Assert.Null(fx.Tuning.ContextWindowTokens);
        Assert.Contains(observer.Events, e => e.StartsWith("notice: self watchdog: max_iterations must be a whole number from 1 to 100, not 500; max_iterations is back to 40", StringComparison.Ordinal));
        Assert.Contains(observer.Events, e => e.Contains("context_window_tokens is back to 100000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_watchdog_restores_critical_tools()
    {
        await using var fx = new SelfFixture();
        fx.Tuning.Unregister(AgentSettings.SelfToolId);
        fx.Tuning.Unregister(ToolCallExecutor.LoadToolId);
        fx.Tuning.Unregister(EntryId.Parse("app.tools:echo"));
        var observer = new RecordingObserver();

        new SelfWatchdog(fx.Self.Surface).BeforeStep(fx.Session, observer);

        Assert.Equal([EntryId.Parse("app.tools:echo")], fx.Tuning.UnregisteredTools);
        Assert.Equal(2, observer.Events.Count(e => e.Contains("is a critical tool; it is registered again", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_watchdog_resets_a_model_that_left_the_registry()
    {
        await using var fx = new SelfFixture(extraEntries: [LoopFixture.Model("temporary", "spare", 64_000)]);
        await fx.OkAsync("""{"action":"modify","key":"model","value":"temporary"}""");
        await fx.Loop.Registry.ApplyAsync(new ChangeSet().Delete(EntryId.Parse("app:temporary")));
        var observer = new RecordingObserver();

        new SelfWatchdog(fx.Self.Surface).BeforeStep(fx.Session, observer);

        Assert.Null(fx.Tuning.Model);
        Assert.Contains(observer.Events, e => e.Contains("model is back to 'big'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_watchdog_leaves_valid_values_alone_and_says_nothing()
    {
        await using var fx = new SelfFixture();
        await fx.OkAsync("""{"action":"modify","key":"max_iterations","value":80}""");
        await fx.OkAsync("""{"action":"modify","key":"temperature","value":0.5}""");
        var observer = new RecordingObserver();

        new SelfWatchdog(fx.Self.Surface).BeforeStep(fx.Session, observer);

        Assert.Equal(80, fx.Tuning.MaxIterations);
        Assert.Equal(0.5, fx.Tuning.Temperature);
        Assert.Empty(observer.Events);
    }

    [Fact]
    public async Task The_watchdog_drops_a_temperature_the_new_model_does_not_take()
    {
        await using var fx = new SelfFixture();
        await fx.OkAsync("""{"action":"modify","key":"temperature","value":0.5}""");
        fx.Tuning.Model = "thinker";
        var observer = new RecordingObserver();

        new SelfWatchdog(fx.Self.Surface).BeforeStep(fx.Session, observer);

        Assert.Null(fx.Tuning.Temperature);
        Assert.Contains(observer.Events, e => e.Contains("takes no temperature", StringComparison.Ordinal));
    }
}
