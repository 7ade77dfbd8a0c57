using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAgi.Agents.Self;

public sealed partial class SelfTool
{
    /// <summary>Modify: a declared writable property within its type and range, else a runtime variable.</summary>
    private SelfOutcome Modify(string? key, JsonObject arguments)
    {
        if (key is null) return SelfOutcome.Fail("modify", "", "modify needs 'key' (e.g. max_iterations) and 'value'");
        if (!arguments.ContainsKey("value")) return SelfOutcome.Fail("modify", key, $"modify needs 'value': the new value of {key}");
        var value = arguments["value"];

        if (RuntimeVarKey(key) is { } explicitVar) return SetVar(explicitVar, value);
        if (key == RuntimeVars.Prefix) return SelfOutcome.Fail("modify", key, $"{key} holds the runtime variables; set one with key=\"{RuntimeVars.Prefix}.<name>\", delete one with reset");

        var found = _surface.Find(key);
        if (!found.Found)
        {
            if (RuntimeSurface.NeverPublishedReason(key.Split('.')[0]) is { } never) return SelfOutcome.Fail("modify", key, never);
            // A dotted path that misses names a wrong member; a plain name is the agent's own variable.
            return key.Contains('.', StringComparison.Ordinal)
                ? SelfOutcome.Fail("modify", key, found.Problem!)
                : SetVar(key, value);
        }
        return found.Member switch
        {
            SurfaceProperty { Setter: { } setter } property => SetProperty(key, property, setter, value),
            SurfaceProperty => SelfOutcome.Fail("modify", key, $"{key} is read-only; inspect it to read it"),
            SurfaceMethod => SelfOutcome.Fail("modify", key, $"{key} is a method; use 'call' to invoke it"),
            SurfaceNode when key == "tools" => SelfOutcome.Fail("modify", key,
                "the tool set cannot be replaced; use manage_tool to unregister or register a tool, list_tools to see them"),
            SurfaceNode => SelfOutcome.Fail("modify", key, $"{key} is a group of values, not one; inspect it to see what in it can be set"),
            _ => SelfOutcome.Fail("modify", key, $"{key} is part of {found.Owner!.Name}; {(found.Owner.Setter is null ? "it is read-only" : "set the whole value")}"),
        };
    }

    private SelfOutcome SetProperty(string key, SurfaceProperty property, SurfaceSetter setter, JsonNode? value)
    {
        if (!setter.Rule.TryAccept(key, value, out var accepted, out var error)) return SelfOutcome.Fail("modify", key, error);
        var old = property.Read();
        setter.Apply(accepted);
        var now = property.Read();
        var message = $"Set {key} = {Show(key, now)} (was {Show(key, old)})";
        if (setter.TakesEffect.Length > 0) message += $"; takes effect {setter.TakesEffect}";
        return SelfOutcome.Done(message, $"modify {key} {Show(key, old)} → {Show(key, now)}",
            new JsonObject { ["key"] = key, ["old"] = old?.DeepClone(), ["new"] = now?.DeepClone() });
    }

    private SelfOutcome SetVar(string name, JsonNode? value)
    {
        var key = $"{RuntimeVars.Prefix}.{name}";
        var existed = _vars.TryGet(name, out var old);
        if (!_vars.TrySet(name, value, out var error)) return SelfOutcome.Fail("modify", key, error!);
        var shown = Show(name, value);
        return SelfOutcome.Done($"Set {key} = {shown}", existed ? $"modify {key} {Show(name, old)} → {shown}" : $"modify {key} = {shown}",
            new JsonObject { ["key"] = key, ["old"] = existed ? old : null, ["new"] = value?.DeepClone() });
    }

    /// <summary>Reset: one setting back to its configured value, one runtime variable deleted, or (no key) everything.</summary>
    private SelfOutcome Reset(string? key)
    {
        var varKey = key is null ? null : RuntimeVarKey(key) ?? key;
        if (key is null || (key == "all" && !_vars.Contains("all"))) return ResetAll();
        var found = RuntimeVarKey(key) is null ? _surface.Find(key) : null;
        if (found is { Member: SurfaceProperty { Setter: { } setter } property })
        {
            var old = property.Read();
            setter.Reset();
            var now = property.Read();
            return SelfOutcome.Done($"Reset {key} = {Show(key, now)} (was {Show(key, old)})", $"reset {key} {Show(key, old)} → {Show(key, now)}",
                new JsonObject { ["key"] = key, ["old"] = old?.DeepClone(), ["new"] = now?.DeepClone() });
        }
        if (found is { Found: true }) return SelfOutcome.Fail("reset", key, $"{key} is not a setting; only writable settings and runtime variables can be reset");
        if (_vars.Remove(varKey!)) return SelfOutcome.Done($"Deleted {RuntimeVars.Prefix}.{varKey}", $"reset {RuntimeVars.Prefix}.{varKey} (deleted)", new JsonObject { ["key"] = key });
        return SelfOutcome.Fail("reset", key, $"{key} is neither a setting nor a runtime variable; runtime variables: {Listed(_vars.Keys)}");
    }

    private SelfOutcome ResetAll()
    {
        var changed = new List<string>();
        foreach (var (path, property) in _surface.WritableProperties())
        {
            if (!property.Setter!.IsChanged()) continue;
            property.Setter.Reset();
            changed.Add($"{path} = {Show(path, property.Read())}");
        }
        var deleted = _vars.Count;
        _vars.Clear();
        var tools = Tuning.UnregisteredTools.ToList();
        foreach (var tool in tools) Tuning.Reregister(tool);
        var message = $"Reset everything to the configured defaults: {(changed.Count == 0 ? "no setting was changed" : string.Join(", ", changed))}; "
            + $"deleted {deleted} runtime variable(s); re-registered {tools.Count} tool(s)";
        return SelfOutcome.Done(message, "reset all", new JsonObject { ["settings"] = new JsonArray([.. changed.Select(c => (JsonNode)c)]), ["deleted_vars"] = deleted });
    }

    /// <summary>Call: a declared method, its arguments checked against its schema.</summary>
    private async Task<SelfOutcome> CallAsync(string? path, JsonNode? args, CancellationToken cancellationToken)
    {
        if (path is null) return SelfOutcome.Fail("call", "", "call needs 'method', e.g. context.build_system_prompt (inspect a node to see its methods)");
        var found = _surface.Find(path);
        if (!found.Found) return SelfOutcome.Fail("call", path, found.Problem!);
        if (found.Member is not SurfaceMethod method)
            return SelfOutcome.Fail("call", path, $"{path} is not a method; inspect it to read it{(found.Member is SurfaceProperty { Setter: not null } ? ", modify it to change it" : "")}");
        if (args is not (null or JsonObject)) return SelfOutcome.Fail("call", path, $"'args' must be an object of named arguments for {method.Signature()}");
        var arguments = (JsonObject?)args?.DeepClone() ?? [];
        var problems = method.Schema.Validate(arguments, limit: 5);
        if (problems.Count > 0) return SelfOutcome.Fail("call", path, $"the arguments do not fit {method.Signature()}: {string.Join("; ", problems)}");
        JsonNode? result;
        try
        {
            result = await method.InvokeAsync(arguments, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SelfOutcome.Fail("call", path, $"{path} timed out");
        }
#pragma warning disable CA1031 // A failing method is the model's error result, never the end of the turn.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return SelfOutcome.Fail("call", path, $"{path} failed: {ex.Message}");
        }
        var text = result is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? _mask.MaskText(v.GetValue<string>())
            : _mask.MaskValue("", result)?.ToJsonString(MicroAgi.Registry.ReadableJson.Compact) ?? "null";
        return SelfOutcome.Done(text, $"call {path}", new JsonObject { ["method"] = path, ["args"] = arguments });
    }
}
