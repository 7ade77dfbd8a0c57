using System.Text.Json.Nodes;

namespace MicroAgi.Registry.Tests;

internal static class TestEntries
{
    public static Entry Tool(string id, string comment = "a tool", string kind = "function.lua") =>
        Entry.Create(EntryId.Parse(id), kind,
            new JsonObject { ["type"] = "tool", ["comment"] = comment },
            new JsonObject { ["source"] = "return { handler = function() return 1 end }", ["method"] = "handler" });

    public static Entry Plain(string id, string kind = "registry.entry", JsonObject? meta = null) =>
        Entry.Create(EntryId.Parse(id), kind, meta ?? [], []);
}

/// <summary>A temporary directory removed after the test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "microagi-test-" + Guid.NewGuid().ToString("N"));

    public string Write(string relative, string text)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
