using System.Text.Json.Nodes;
using MicroAgi.Lua.Sandbox;

namespace MicroAgi.Lua.Modules;

/// <summary><c>expr</c>: evaluate an expression with variables (docs/lua/modules/expr.md).</summary>
internal static class ExprModule
{
    public static HostModule Module { get; } = new("expr",
    [
        ("eval", Eval),
    ]);

    private static int Eval(HostCall call)
    {
        var expression = call.String(1);
        JsonObject? variables = null;
        if (call.HasOptions(2))
        {
            variables = call.Json(2) switch
            {
                JsonObject obj => obj,
                JsonArray { Count: 0 } => [],
                _ => throw new LuaArgumentException(2, "variables must be a table of names to values"),
            };
        }
        try
        {
            return call.PushJson(ExpressionEvaluator.Evaluate(expression, variables, call.Budget()));
        }
        catch (ExpressionException e)
        {
            return call.Fail("expr.eval: " + e.Message);
        }
    }
}
