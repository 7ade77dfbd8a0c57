using System.Globalization;
using System.Text;

namespace MicroAgi.Lua.Sandbox;

/// <summary>
/// Collects text and reports every character (as the byte it will mostly cost in Lua) to the call's
/// <see cref="HostBudget"/>, so a library serializer writing into it stops at the memory cap and the
/// deadline instead of at the end of a document many times larger than its input (YAML indents
/// every nesting level, for example).
/// </summary>
internal sealed class BudgetedTextWriter(HostBudget budget) : TextWriter(CultureInfo.InvariantCulture)
{
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        budget.Allocate(1);
        _text.Append(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        budget.Allocate(count);
        _text.Append(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        budget.Allocate(buffer.Length);
        _text.Append(buffer);
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        budget.Allocate(value.Length);
        _text.Append(value);
    }

    public override string ToString() => _text.ToString();
}
