using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Lua.Sandbox;

namespace MicroAgi.Lua.Modules;

/// <summary>
/// The small expression language of the <c>expr</c> module: arithmetic, comparison, logic, strings,
/// member access and a few functions over variables (the grammar is in docs/lua/modules/expr.md).
/// There are no loops or assignments, so an expression performs at most a few operations per
/// character. One operation can still be as large as its operands (joining two long strings,
/// comparing two big tables), so the evaluator checks the call's deadline around every operation
/// that can be, and reports every value it builds to the call's memory budget. Values are read by
/// reference, never copied, except to place one that already has a parent into a new list.
/// </summary>
internal sealed class ExpressionEvaluator
{
    public const int MaxLength = 10_000;
    private const int MaxDepth = 100;
    /// <summary>What a value costs at least, besides its text, for memory accounting.</summary>
    private const int ValueBytes = 16;

    private readonly string _text;
    private readonly JsonObject _variables;
    private readonly HostBudget _budget;
    private int _position;
    private int _depth;

    private ExpressionEvaluator(string text, JsonObject variables, HostBudget budget)
    {
        _text = text;
        _variables = variables;
        _budget = budget;
    }

    /// <summary>Evaluates <paramref name="expression"/>; throws <see cref="ExpressionException"/> with a message saying what and where.</summary>
    public static JsonNode? Evaluate(string expression, JsonObject? variables, HostBudget budget)
    {
        if (expression.Length > MaxLength) throw new ExpressionException($"the expression is longer than {MaxLength} characters");
        var evaluator = new ExpressionEvaluator(expression, variables ?? [], budget);
        var value = evaluator.Ternary();
        evaluator.SkipSpace();
        if (evaluator._position < expression.Length) throw evaluator.Error($"unexpected '{expression[evaluator._position]}'");
        return value;
    }

    // ------------------------------------------------------------------ grammar (lowest precedence first)

    private JsonNode? Ternary()
    {
        Enter();
        var condition = Or();
        if (Accept("?"))
        {
            var whenTrue = Ternary();
            Expect(":");
            var whenFalse = Ternary();
            condition = Truthy(condition) ? whenTrue : whenFalse;
        }
        _depth--;
        return condition;
    }

    private JsonNode? Or()
    {
        var left = And();
        while (AcceptWord("or") || Accept("||"))
        {
            var right = And();
            left = Truthy(left) ? left : right;
        }
        return left;
    }

    private JsonNode? And()
    {
        var left = Comparison();
        while (AcceptWord("and") || Accept("&&"))
        {
            var right = Comparison();
            left = Truthy(left) ? right : left;
        }
        return left;
    }

    private JsonNode? Comparison()
    {
        var left = Additive();
        while (true)
        {
            string? op = Accept("==") ? "==" : Accept("!=") ? "!=" : Accept("<=") ? "<=" : Accept(">=") ? ">=" : Accept("<") ? "<" : Accept(">") ? ">" : AcceptWord("in") ? "in" : null;
            if (op is null) return left;
            var right = Additive();
            left = op switch
            {
                "==" => JsonNode.DeepEquals(Normalize(left), Normalize(right)),
                "!=" => !JsonNode.DeepEquals(Normalize(left), Normalize(right)),
                "in" => Contains(right, left),
                _ => Compare(op, left, right),
            };
            _budget.CheckDeadline();
        }
    }

    private JsonNode? Additive()
    {
        var left = Multiplicative();
        while (true)
        {
            if (Accept("+")) left = Add(left, Multiplicative());
            else if (Accept("-")) left = Arithmetic("-", left, Multiplicative());
            else return left;
        }
    }

    private JsonNode? Multiplicative()
    {
        var left = Power();
        while (true)
        {
            if (Accept("*")) left = Arithmetic("*", left, Power());
            else if (Accept("/")) left = Arithmetic("/", left, Power());
            else if (Accept("%")) left = Arithmetic("%", left, Power());
            else return left;
        }
    }

    private JsonNode? Power()
    {
        var left = Unary();
        if (Accept("**") || Accept("^"))
        {
            Enter();
            var right = Power(); // right-associative
            _depth--;
            return Number(Math.Pow(AsNumber(left, "**"), AsNumber(right, "**")));
        }
        return left;
    }

    private JsonNode? Unary()
    {
        if (Accept("-"))
        {
            Enter();
            var operand = Unary();
            _depth--;
            return IsInteger(operand, out var i) && i != long.MinValue ? i * -1 : Number(-AsNumber(operand, "-"));
        }
        if (AcceptWord("not") || Accept("!"))
        {
            Enter();
            var operand = Unary();
            _depth--;
            return !Truthy(operand);
        }
        return Postfix(Primary());
    }

    private JsonNode? Postfix(JsonNode? value)
    {
        while (true)
        {
            if (Accept("."))
            {
                var name = Identifier() ?? throw Error("expected a field name after '.'");
                value = value is JsonObject obj ? obj[name] : throw Error($"cannot read field '{name}' of {TypeOf(value)}");
            }
            else if (Accept("["))
            {
                var index = Ternary();
                Expect("]");
                value = Index(value, index);
                _budget.CheckDeadline();
            }
            else
            {
                return value;
            }
        }
    }

    private JsonNode? Primary()
    {
        _budget.CheckDeadline();
        SkipSpace();
        if (_position >= _text.Length) throw Error("unexpected end of the expression");
        var c = _text[_position];
        if (c == '(')
        {
            _position++;
            var inner = Ternary();
            Expect(")");
            return inner;
        }
        if (c == '[')
        {
            _position++;
            var list = new JsonArray();
            if (!Accept("]"))
            {
                do list.Add(Owned(Ternary())); while (Accept(","));
                Expect("]");
            }
            return list;
        }
        if (c is '"' or '\'') return StringLiteral(c);
        if (char.IsAsciiDigit(c) || (c == '.' && _position + 1 < _text.Length && char.IsAsciiDigit(_text[_position + 1]))) return NumberLiteral();
        var start = _position;
        var name = Identifier() ?? throw Error($"unexpected '{c}'");
        switch (name)
        {
            case "true": return true;
            case "false": return false;
            case "nil" or "null": return null;
        }
        if (Accept("(")) return CallFunction(name, start);
        if (!_variables.TryGetPropertyValue(name, out var variable)) throw ErrorAt(start, $"unknown variable '{name}'");
        return variable;
    }

    /// <summary>
    /// <paramref name="value"/>, ready to be placed in a new list: a node has at most one parent, so
    /// one that is already inside a variable or a list is copied — and the copy is paid for.
    /// </summary>
    private JsonNode? Owned(JsonNode? value)
    {
        _budget.Allocate(ValueBytes);
        if (value?.Parent is null) return value;
        _budget.Allocate(SizeOf(value));
        return value.DeepClone();
    }

    /// <summary>Roughly the bytes of a value: its text, and <see cref="ValueBytes"/> for each value in it.</summary>
    private long SizeOf(JsonNode? value)
    {
        _budget.Step();
        return value switch
        {
            JsonObject obj => ValueBytes + obj.Sum(p => p.Key.Length + SizeOf(p.Value)),
            JsonArray list => ValueBytes + list.Sum(SizeOf),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => ValueBytes + v.GetValue<string>().Length,
            _ => ValueBytes,
        };
    }

    /// <summary><see cref="AsString"/>, paid for when it writes a list or table out as text.</summary>
    internal string Text(JsonNode? value)
    {
        var text = AsString(value);
        if (value is JsonObject or JsonArray) _budget.Allocate(text.Length);
        return text;
    }

    /// <summary>A string the evaluator built, paid for.</summary>
    internal string Built(string text)
    {
        _budget.Allocate(text.Length);
        return text;
    }

    private JsonNode? CallFunction(string name, int start)
    {
        var arguments = new List<JsonNode?>();
        if (!Accept(")"))
        {
            do arguments.Add(Ternary()); while (Accept(","));
            Expect(")");
        }
        var result = ExpressionFunctions.Call(name, arguments, this, start);
        _budget.CheckDeadline();
        return result;
    }

    // ------------------------------------------------------------------ operators

    private JsonNode? Add(JsonNode? left, JsonNode? right)
    {
        if (left is JsonValue l && l.GetValueKind() == JsonValueKind.String || right is JsonValue r && r.GetValueKind() == JsonValueKind.String)
        {
            if (!IsText(left) || !IsText(right)) throw Error($"cannot add {TypeOf(left)} and {TypeOf(right)} (use string(x) to convert)");
            var (first, second) = (AsString(left), AsString(right));
            _budget.Allocate(first.Length + second.Length);
            return first + second;
        }
        return Arithmetic("+", left, right);
    }

    private JsonNode? Arithmetic(string op, JsonNode? left, JsonNode? right)
    {
        if (op != "/" && IsInteger(left, out var a) && IsInteger(right, out var b))
        {
            try
            {
                return op switch
                {
                    "+" => checked(a + b),
                    "-" => checked(a - b),
                    "*" => checked(a * b),
                    "%" => b == 0 ? throw Error("modulo by zero") : ((a % b) + b) % b,
                    _ => throw Error($"unknown operator {op}"),
                };
            }
            catch (OverflowException)
            {
                // Fall through to floating point, as Lua would for numbers this large.
            }
        }
        var x = AsNumber(left, op);
        var y = AsNumber(right, op);
        return op switch
        {
            "+" => Number(x + y),
            "-" => Number(x - y),
            "*" => Number(x * y),
            "/" => y == 0 ? throw Error("division by zero") : Number(x / y),
            "%" => y == 0 ? throw Error("modulo by zero") : Number(x - Math.Floor(x / y) * y),
            _ => throw Error($"unknown operator {op}"),
        };
    }

    private JsonNode Compare(string op, JsonNode? left, JsonNode? right)
    {
        int order;
        if (IsText(left) && IsText(right) && left is JsonValue lv && lv.GetValueKind() == JsonValueKind.String && right is JsonValue rv && rv.GetValueKind() == JsonValueKind.String)
            order = string.CompareOrdinal(AsString(left), AsString(right));
        else order = AsNumber(left, op).CompareTo(AsNumber(right, op));
        return op switch
        {
            "<" => order < 0,
            "<=" => order <= 0,
            ">" => order > 0,
            _ => order >= 0,
        };
    }

    private JsonNode Contains(JsonNode? container, JsonNode? item) => container switch
    {
        JsonArray list => list.Any(element => JsonNode.DeepEquals(Normalize(element), Normalize(item))),
        JsonObject obj => obj.ContainsKey(Text(item)),
        JsonValue text when text.GetValueKind() == JsonValueKind.String => AsString(container).Contains(Text(item), StringComparison.Ordinal),
        _ => throw Error($"'in' needs a list, an object or a string on its right, not {TypeOf(container)}"),
    };

    private JsonNode? Index(JsonNode? value, JsonNode? index)
    {
        switch (value)
        {
            case JsonArray list:
                if (!IsInteger(index, out var i)) throw Error("a list index must be an integer (lists count from 1)");
                return i >= 1 && i <= list.Count ? list[(int)i - 1] : null;
            case JsonObject obj:
                return obj[Text(index)];
            case JsonValue text when text.GetValueKind() == JsonValueKind.String:
                if (!IsInteger(index, out var at)) throw Error("a string index must be an integer (characters count from 1)");
                return CharacterAt(AsString(value), at);
            default:
                throw Error($"cannot index {TypeOf(value)}");
        }
    }

    /// <summary>The <paramref name="at"/>-th character (from 1), or null past the end.</summary>
    private static string? CharacterAt(string text, long at)
    {
        if (at < 1) return null;
        foreach (var rune in text.EnumerateRunes())
        {
            if (--at == 0) return rune.ToString();
        }
        return null;
    }

    // ------------------------------------------------------------------ values

    internal static bool Truthy(JsonNode? value) =>
        value is not null && !(value is JsonValue v && v.GetValueKind() == JsonValueKind.False);

    internal static bool IsInteger(JsonNode? value, out long integer)
    {
        integer = 0;
        if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.Number) return false;
        if (v.TryGetValue(out integer)) return true;
        if (v.TryGetValue<int>(out var small))
        {
            integer = small;
            return true;
        }
        // A number with no fractional part behaves as an integer, however it was written or computed.
        var d = NumberOf(v);
        if (Math.Floor(d) != d || d < long.MinValue || d >= 9.2233720368547758e18) return false;
        integer = (long)d;
        return true;
    }

    internal double AsNumber(JsonNode? value, string context) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? NumberOf(v) : throw Error($"'{context}' needs numbers, got {TypeOf(value)}");

    internal static double NumberOf(JsonValue value)
    {
        if (value.TryGetValue<double>(out var d)) return d;
        if (value.TryGetValue<long>(out var l)) return l;
        if (value.TryGetValue<int>(out var i)) return i;
        return double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);
    }

    internal static JsonNode? Number(double value) =>
        double.IsFinite(value) ? JsonValue.Create(value) : throw new ExpressionException($"the result is not a finite number ({value.ToString(CultureInfo.InvariantCulture)})");

    internal static bool IsText(JsonNode? value) => value is JsonValue v && v.GetValueKind() is JsonValueKind.String or JsonValueKind.Number;

    internal static string AsString(JsonNode? value) => value switch
    {
        null => "nil",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && IsInteger(v, out var i) => i.ToString(CultureInfo.InvariantCulture),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => NumberOf(v).ToString("G14", CultureInfo.InvariantCulture),
        _ => value.ToJsonString(Sandbox.LuaJson.Readable),
    };

    internal static string TypeOf(JsonNode? value) => value switch
    {
        null => "nil",
        JsonObject => "an object",
        JsonArray => "a list",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            _ => "a boolean",
        },
        _ => "a value",
    };

    /// <summary>Numbers compare by value whatever their .NET type (1 == 1.0).</summary>
    private static JsonNode? Normalize(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? JsonValue.Create(NumberOf(v)) : value;

    // ------------------------------------------------------------------ lexing

    private void Enter()
    {
        if (++_depth > MaxDepth) throw Error($"the expression nests deeper than {MaxDepth} levels");
    }

    internal ExpressionException Error(string message) => ErrorAt(_position, message);

    internal ExpressionException ErrorAt(int position, string message) => new($"{message} at position {Math.Min(position, _text.Length) + 1}");

    private void SkipSpace()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position])) _position++;
    }

    private bool Peek(char c)
    {
        SkipSpace();
        return _position < _text.Length && _text[_position] == c;
    }

    private bool Peek(string token)
    {
        SkipSpace();
        return string.CompareOrdinal(_text, _position, token, 0, token.Length) == 0;
    }

    private bool Accept(string token)
    {
        if (!Peek(token)) return false;
        // '*' must not swallow the first half of '**', '=' comparisons are two characters.
        if (token is "*" && Peek("**")) return false;
        _position += token.Length;
        return true;
    }

    private bool AcceptWord(string word)
    {
        SkipSpace();
        if (string.CompareOrdinal(_text, _position, word, 0, word.Length) != 0) return false;
        var end = _position + word.Length;
        if (end < _text.Length && (char.IsAsciiLetterOrDigit(_text[end]) || _text[end] == '_')) return false;
        _position = end;
        return true;
    }

    private void Expect(string token)
    {
        if (!Accept(token)) throw Error($"expected '{token}'");
    }

    private string? Identifier()
    {
        SkipSpace();
        var start = _position;
        if (_position >= _text.Length || !(char.IsAsciiLetter(_text[_position]) || _text[_position] == '_')) return null;
        while (_position < _text.Length && (char.IsAsciiLetterOrDigit(_text[_position]) || _text[_position] == '_')) _position++;
        return _text[start.._position];
    }

    private JsonNode NumberLiteral()
    {
        var start = _position;
        while (_position < _text.Length && (char.IsAsciiDigit(_text[_position]) || _text[_position] == '.' || _text[_position] == '_')) _position++;
        if (_position < _text.Length && (_text[_position] is 'e' or 'E'))
        {
            _position++;
            if (_position < _text.Length && _text[_position] is '+' or '-') _position++;
            while (_position < _text.Length && char.IsAsciiDigit(_text[_position])) _position++;
        }
        var literal = _text[start.._position].Replace("_", "", StringComparison.Ordinal);
        if (long.TryParse(literal, NumberStyles.None, CultureInfo.InvariantCulture, out var integer)) return integer;
        if (double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return JsonValue.Create(number);
        throw Error($"'{literal}' is not a number");
    }

    private JsonNode StringLiteral(char quote)
    {
        _position++;
        var builder = new StringBuilder();
        while (_position < _text.Length && _text[_position] != quote)
        {
            var c = _text[_position++];
            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }
            if (_position >= _text.Length) break;
            var escaped = _text[_position++];
            builder.Append(escaped switch
            {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                _ => escaped,
            });
        }
        if (_position >= _text.Length) throw Error("unterminated string");
        _position++;
        return builder.ToString();
    }
}

/// <summary>The built-in functions of the expression language.</summary>
internal static class ExpressionFunctions
{
    public static JsonNode? Call(string name, List<JsonNode?> args, ExpressionEvaluator evaluator, int position)
    {
        void Arity(int min, int max = -1)
        {
            max = max < 0 ? min : max;
            if (args.Count < min || args.Count > max)
                throw evaluator.Error(min == max ? $"{name}() takes {min} argument{(min == 1 ? "" : "s")}, got {args.Count}" : $"{name}() takes {min} to {max} arguments, got {args.Count}");
        }
        double Num(int i) => evaluator.AsNumber(args[i], name);
        string Str(int i) => evaluator.Text(args[i]);
        IEnumerable<JsonNode?> Items()
        {
            if (args.Count == 1 && args[0] is JsonArray list) return list;
            return args;
        }

        switch (name)
        {
            case "abs": Arity(1); return ExpressionEvaluator.IsInteger(args[0], out var i) && i != long.MinValue ? Math.Abs(i) : ExpressionEvaluator.Number(Math.Abs(Num(0)));
            case "ceil": Arity(1); return Integral(Math.Ceiling(Num(0)));
            case "floor": Arity(1); return Integral(Math.Floor(Num(0)));
            case "round":
                Arity(1, 2);
                var digits = args.Count == 2 ? (int)Num(1) : 0;
                if (digits is < 0 or > 15) throw evaluator.Error("round() digits must be between 0 and 15");
                var rounded = Math.Round(Num(0), digits, MidpointRounding.AwayFromZero);
                return digits == 0 ? Integral(rounded) : ExpressionEvaluator.Number(rounded);
            case "sqrt": Arity(1); return ExpressionEvaluator.Number(Math.Sqrt(Num(0)));
            case "pow": Arity(2); return ExpressionEvaluator.Number(Math.Pow(Num(0), Num(1)));
            case "exp": Arity(1); return ExpressionEvaluator.Number(Math.Exp(Num(0)));
            case "log": Arity(1, 2); return ExpressionEvaluator.Number(args.Count == 2 ? Math.Log(Num(0), Num(1)) : Math.Log(Num(0)));
            case "min":
            case "max":
                var values = Items().Select(v => evaluator.AsNumber(v, name)).ToArray();
                if (values.Length == 0) throw evaluator.Error($"{name}() needs at least one number");
                var pick = name == "min" ? values.Min() : values.Max();
                return Items().First(v => evaluator.AsNumber(v, name) == pick);
            case "sum":
                JsonNode? total = 0L;
                foreach (var item in Items())
                {
                    var a = total;
                    total = ExpressionEvaluator.IsInteger(a, out var x) && ExpressionEvaluator.IsInteger(item, out var y)
                        ? (long.MaxValue - Math.Abs(y) > Math.Abs(x) ? x + y : ExpressionEvaluator.Number((double)x + y))
                        : ExpressionEvaluator.Number(evaluator.AsNumber(a, name) + evaluator.AsNumber(item, name));
                }
                return total;
            case "avg":
                var numbers = Items().Select(v => evaluator.AsNumber(v, name)).ToArray();
                if (numbers.Length == 0) throw evaluator.Error("avg() needs at least one number");
                return ExpressionEvaluator.Number(numbers.Average());
            case "len":
                Arity(1);
                return args[0] switch
                {
                    JsonArray list => list.Count,
                    JsonObject obj => obj.Count,
                    JsonValue v when v.GetValueKind() == JsonValueKind.String => Str(0).EnumerateRunes().Count(),
                    _ => throw evaluator.Error($"len() needs a string, list or object, got {ExpressionEvaluator.TypeOf(args[0])}"),
                };
            case "lower": Arity(1); return evaluator.Built(Str(0).ToLowerInvariant());
            case "upper": Arity(1); return evaluator.Built(Str(0).ToUpperInvariant());
            case "trim": Arity(1); return evaluator.Built(Str(0).Trim());
            case "contains": Arity(2); return Str(0).Contains(Str(1), StringComparison.Ordinal);
            case "starts_with": Arity(2); return Str(0).StartsWith(Str(1), StringComparison.Ordinal);
            case "ends_with": Arity(2); return Str(0).EndsWith(Str(1), StringComparison.Ordinal);
            case "string": Arity(1); return Str(0);
            case "number":
                Arity(1);
                if (args[0] is JsonValue n && n.GetValueKind() == JsonValueKind.Number) return n;
                return double.TryParse(Str(0), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
                    ? (Math.Floor(parsed) == parsed && Math.Abs(parsed) < 9e15 && !Str(0).Contains('.', StringComparison.Ordinal) ? (long)parsed : JsonValue.Create(parsed))
                    : throw evaluator.Error($"number() cannot read '{Str(0)}' as a number");
            case "int": Arity(1); return Integral(Math.Truncate(Num(0)));
            default:
                throw evaluator.ErrorAt(position, $"unknown function '{name}' (available: abs, avg, ceil, contains, ends_with, exp, floor, int, len, log, lower, max, min, number, pow, round, sqrt, starts_with, string, sum, trim, upper)");
        }
    }

    private static JsonNode? Integral(double value) =>
        double.IsFinite(value) && Math.Abs(value) < 9.2e18 ? (long)value : ExpressionEvaluator.Number(value);
}

/// <summary>An expression that cannot be parsed or evaluated; the message names the position.</summary>
internal sealed class ExpressionException(string message) : Exception(message);
