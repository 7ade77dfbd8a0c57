using System.Globalization;
using System.Text.Json;
using System.Data.Common;

namespace MicroAgi.Registry.Storage;

/// <summary>
/// Reads the values of stored rows, refusing any that MicroAgi could not have written. A bad value
/// throws <see cref="FormatException"/> saying what is wrong; the store adds the file, table and row.
/// </summary>
internal static class StoredRows
{
    /// <summary>What to do about a damaged SQLite file.</summary>
    public const string FileAdvice = "restore it from a backup, or move it away (MicroAgi creates a new one) or use another --state-dir";

    public static RegistryStoreException Damaged(string path, string table, string key, string problem, Exception? inner = null, string advice = FileAdvice) =>
        new($"registry database '{path}' is damaged: {table} row {key}: {problem}; {advice}", inner);

    public static long Integer(DbDataReader reader, int ordinal) =>
        !reader.IsDBNull(ordinal) && reader.GetFieldType(ordinal) == typeof(long)
            ? reader.GetInt64(ordinal)
            : throw new FormatException($"{reader.GetName(ordinal)} is {Show(reader.GetValue(ordinal))}, not an integer");

    public static string Text(DbDataReader reader, int ordinal) =>
        !reader.IsDBNull(ordinal) && reader.GetFieldType(ordinal) == typeof(string)
            ? reader.GetString(ordinal)
            : throw new FormatException($"{reader.GetName(ordinal)} is {Show(reader.GetValue(ordinal))}, not text");

    public static string? OptionalText(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Text(reader, ordinal);

    public static EntryId Id(DbDataReader reader, int ordinal) => EntryId.Parse(Text(reader, ordinal));

    public static DateTimeOffset Timestamp(DbDataReader reader, int ordinal)
    {
        if (!reader.IsDBNull(ordinal) && reader.GetFieldType(ordinal) == typeof(DateTime))
            return new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));
        var text = Text(reader, ordinal);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? at
            : throw new FormatException($"{reader.GetName(ordinal)} {Show(text)} is not a timestamp");
    }

    public static ChangeKind Op(DbDataReader reader, int ordinal)
    {
        var text = Text(reader, ordinal);
        // Exact names only: Enum.Parse would also take "7" or " Create".
        foreach (var kind in Enum.GetValues<ChangeKind>())
        {
            if (kind.ToString() == text) return kind;
        }
        throw new FormatException($"op {Show(text)} is not one of {string.Join(", ", Enum.GetNames<ChangeKind>())}");
    }

    /// <summary>An entry state column (<see cref="EntryJson"/>); null is a deleted entry.</summary>
    public static Entry? State(DbDataReader reader, int ordinal, EntryId id)
    {
        var json = OptionalText(reader, ordinal);
        try
        {
            return EntryJson.Read(id, json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{reader.GetName(ordinal)} is not valid JSON ({ex.Message})", ex);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new FormatException($"{reader.GetName(ordinal)} {ex.Message}", ex);
        }
    }

    /// <summary>A stored value as a JSON literal, so control characters in it cannot reach a terminal.</summary>
    public static string Show(object? value) => value switch
    {
        null or DBNull => "null",
        string text => JsonSerializer.Serialize(text.Length > 80 ? text[..80] + "…" : text),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "?",
    };
}
