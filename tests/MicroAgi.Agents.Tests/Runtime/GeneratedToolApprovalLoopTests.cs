using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using MicroAgi.Agents.Approval;
using MicroAgi.Agents.Runtime;
using MicroAgi.Agents.Tests.Tools.Machine;
using MicroAgi.Functions.Tools;
using MicroAgi.Registry;
using MicroAgi.Testing.FakeLlm;

namespace MicroAgi.Agents.Tests.Runtime;

/// <summary>
/// The loop asks the approval gate before a generated (Lua) tool's first run in a session, through M.E.AI's
/// approval seam: the tool is offered as an <see cref="ApprovalRequiredAIFunction"/>, a declined call is an error
/// result the model reads, and the conversation goes on.
/// </summary>
public sealed class GeneratedToolApprovalLoopTests
{
    private static readonly Entry Shout = Entry.Create(new EntryId("app.tools", "shout"), "function.lua",
        new JsonObject { ["type"] = "tool", ["llm_description"] = "Shouts", ["input_schema"] = new JsonObject { ["type"] = "object" } },
        new JsonObject { ["source"] = "-- says it loudly\nreturn { handler = function(input) return { said = string.upper(input.text) } end }", ["method"] = "handler" });

    /// <summary>Shout as an agent or a changeset would add it: not part of the app.</summary>
    private static async Task<LoopFixture> WithGeneratedShout()
    {
        var fx = new LoopFixture();
        await fx.Registry.ApplyAsync(new ChangeSet("an agent wrote shout").Create(Shout));
        return fx;
    }

    [Fact]
    public async Task A_lua_tool_of_the_app_runs_without_a_question_until_it_is_changed()
    {
        await using var fx = new LoopFixture(extraEntries: Shout);
        Assert.IsType<RegistryToolFunction>(fx.NewSession().Runner.FindOffered("shout"));

        var changed = Entry.Create(Shout.Id, Shout.Kind, Shout.MetaObject(),
            new JsonObject { ["source"] = "return { handler = function(input) return { said = input.text } end }", ["method"] = "handler" });
        await fx.Registry.ApplyAsync(new ChangeSet("an agent changed shout").Update(changed));

        Assert.IsType<ApprovalRequiredAIFunction>(fx.NewSession().Runner.FindOffered("shout"));
    }

    [Fact]
    public async Task Generated_tools_are_offered_as_approval_required_and_built_in_ones_are_not()
    {
        await using var fx = await WithGeneratedShout();
        var runner = fx.NewSession().Runner;

        Assert.IsType<ApprovalRequiredAIFunction>(runner.FindOffered("shout"));
        Assert.Same(runner.FindTool("shout"), runner.FindOffered("shout")!.GetService<RegistryToolFunction>());
        Assert.IsType<RegistryToolFunction>(runner.FindOffered("echo"));
    }

    [Fact]
    public async Task A_declined_first_run_is_an_error_result_a_yes_runs_it_and_a_later_run_is_not_asked()
    {
        await using var fx = await WithGeneratedShout();
        var prompt = new ScriptedPrompt(ApprovalAnswer.No, ApprovalAnswer.Yes);
        var session = SessionWith(fx, new ApprovalGate(ApprovalMode.Ask, prompt));
        fx.Server.Enqueue(
            FakeReply.Call("shout", """{"text":"hi"}""", "s1"), FakeReply.Say("Declined."),
            FakeReply.Call("shout", """{"text":"hi"}""", "s2"), FakeReply.Call("shout", """{"text":"again"}""", "s3"), FakeReply.Say("Done."));
        var observer = new RecordingObserver();

        var declined = await session.RunTurnAsync("shout", observer);
        var approved = await session.RunTurnAsync("shout again", observer);

        Assert.Equal("Declined.", declined.Text);
        Assert.Equal("Done.", approved.Text);
        Assert.Equal(2, prompt.Asked.Count);
        var asked = prompt.Asked[0];
        Assert.Equal(ApprovalKind.GeneratedTool, asked.Kind);
        Assert.Contains("-- says it loudly", asked.Detail, StringComparison.Ordinal);
        Assert.Contains("arguments: {\"text\":\"hi\"}", asked.Detail, StringComparison.Ordinal);
        Assert.StartsWith("tool: app.tools:shout #", asked.StandingKey, StringComparison.Ordinal);
        Assert.Contains(observer.Events, e => e.StartsWith("[shout] error: the user declined: first run of the generated tool app.tools:shout", StringComparison.Ordinal));
        Assert.Equal(2, observer.Events.Count(e => e == "[shout] ok"));
        Assert.Contains("AGAIN", fx.Server.ChatRequests[4].Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ApprovalMode.AutoEdit)]
    [InlineData(ApprovalMode.FullAuto)]
    public async Task Auto_edit_and_full_auto_run_generated_tools_without_asking(ApprovalMode mode)
    {
        await using var fx = await WithGeneratedShout();
        var prompt = new ScriptedPrompt();
        var session = SessionWith(fx, new ApprovalGate(mode, prompt));
        fx.Server.Enqueue(FakeReply.Call("shout", """{"text":"hi"}""", "s1"), FakeReply.Say("Done."));
        var observer = new RecordingObserver();

        await session.RunTurnAsync("shout", observer);

        Assert.Empty(prompt.Asked);
        Assert.Contains("[shout] ok", observer.Events);
    }

    [Fact]
    public void A_changed_tool_has_a_different_code_hash_and_a_changed_description_does_not()
    {
        var changed = Shout.With(data: new JsonObject { ["source"] = "return { handler = function() return 2 end }", ["method"] = "handler" });
        var redescribed = Shout.With(meta: new JsonObject { ["type"] = "tool", ["llm_description"] = "Shouts louder" });

        var hash = ToolCallApproval.CodeHash(ToolEntry.From(Shout)!);

        Assert.NotEqual(hash, ToolCallApproval.CodeHash(ToolEntry.From(changed)!));
        Assert.Equal(hash, ToolCallApproval.CodeHash(ToolEntry.From(redescribed)!));
    }

    private static AgentSession SessionWith(LoopFixture fx, ApprovalGate gate)
    {
        var services = new AgentServices(fx.Registry, fx.Functions, fx.Services.ChatClientFor, fx.Costs, fx.Services.Settings) { Approval = gate };
        return new AgentSession(services, new AgentContext(services, EntryId.Parse(LoopFixture.AgentId)), new Conversation());
    }
}
