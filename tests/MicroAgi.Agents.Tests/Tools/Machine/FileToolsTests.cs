using System.Text;
using System.Text.Json.Nodes;

namespace MicroAgi.Agents.Tests.Tools.Machine;

public sealed class FileToolsTests : IDisposable
{
    private readonly MachineToolHost _host = new();

    [Fact]
    public async Task Read_returns_lines_and_a_continuation_offset_when_the_file_is_long()
    {
        _host.Workspace.Write("long.txt", string.Join("\n", Enumerable.Range(1, 2500).Select(i => $"line {i}")) + "\n");

        var first = await _host.OkAsync("read", new JsonObject { ["path"] = "long.txt" });
        Assert.Equal(2000, (int)first["last_line"]!);
        Assert.Equal(2500, (int)first["total_lines"]!);
        Assert.Equal(2001, (int)first["next_offset"]!);
        Assert.StartsWith("line 1\nline 2\n", (string)first["content"]!, StringComparison.Ordinal);

        var rest = await _host.OkAsync("read", new JsonObject { ["path"] = "long.txt", ["offset"] = 2001 });
        Assert.Equal("line 2001", ((string)rest["content"]!).Split('\n')[0]);
        Assert.Null(rest["next_offset"]);
    }

    [Fact]
    public async Task Read_caps_a_call_at_50_KB()
    {
        _host.Workspace.Write("wide.txt", string.Join("\n", Enumerable.Range(1, 1000).Select(_ => new string('x', 200))));

        var result = await _host.OkAsync("read", new JsonObject { ["path"] = "wide.txt" });

        Assert.True(Encoding.UTF8.GetByteCount((string)result["content"]!) <= 50 * 1024);
        Assert.True((int)result["next_offset"]! < 1000);
    }

    [Fact]
    public async Task Read_describes_binary_files_and_images_instead_of_dumping_them()
    {
        File.WriteAllBytes(_host.PathOf("pic.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0]);
        File.WriteAllBytes(_host.PathOf("blob.bin"), [1, 2, 0, 3]);

        var image = await _host.OkAsync("read", new JsonObject { ["path"] = "pic.png" });
        var blob = await _host.OkAsync("read", new JsonObject { ["path"] = "blob.bin" });

        Assert.Equal("image/png", (string)image["type"]!);
        Assert.True((bool)blob["binary"]!);
        Assert.Null(blob["content"]);
    }

    [Fact]
    public async Task Read_of_a_missing_file_or_a_directory_says_what_to_do()
    {
        Directory.CreateDirectory(_host.PathOf("dir"));

        Assert.Contains("does not exist; use glob", await _host.ErrorAsync("read", new JsonObject { ["path"] = "nope.txt" }), StringComparison.Ordinal);
        Assert.Contains("is a directory", await _host.ErrorAsync("read", new JsonObject { ["path"] = "dir" }), StringComparison.Ordinal);
        Assert.Contains("outside the workspace", await _host.ErrorAsync("read", new JsonObject { ["path"] = "/etc/hostname" }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_creates_parents_and_reports_bytes_written()
    {
        var result = await _host.OkAsync("write", new JsonObject { ["path"] = "a/b/c.txt", ["content"] = "héllo" });

        Assert.Equal(6, (int)result["bytes_written"]!);
        Assert.True((bool)result["created"]!);
        Assert.Equal("héllo", File.ReadAllText(_host.PathOf("a/b/c.txt")));
    }

    [Fact]
    public async Task Write_refuses_a_file_not_read_or_changed_since_it_was_read()
    {
        _host.Workspace.Write("notes.txt", "theirs");

        Assert.Contains("has not been read", await _host.ErrorAsync("write", new JsonObject { ["path"] = "notes.txt", ["content"] = "mine" }), StringComparison.Ordinal);

        await _host.OkAsync("read", new JsonObject { ["path"] = "notes.txt" });
        File.WriteAllText(_host.PathOf("notes.txt"), "theirs, changed later");
        Assert.Contains("changed since it was last read", await _host.ErrorAsync("write", new JsonObject { ["path"] = "notes.txt", ["content"] = "mine" }), StringComparison.Ordinal);

        await _host.OkAsync("read", new JsonObject { ["path"] = "notes.txt" });
        await _host.OkAsync("write", new JsonObject { ["path"] = "notes.txt", ["content"] = "mine" });
        await _host.OkAsync("write", new JsonObject { ["path"] = "notes.txt", ["content"] = "mine again" });
        Assert.Equal("mine again", File.ReadAllText(_host.PathOf("notes.txt")));
    }

    [Fact]
    public async Task Write_through_a_link_leading_outside_is_refused_and_nothing_is_written()
    {
        using var outside = new TempDirectory();
        Directory.CreateSymbolicLink(_host.PathOf("escape"), outside.Path);

        var error = await _host.ErrorAsync("write", new JsonObject { ["path"] = "escape/pwned.txt", ["content"] = "x" });

        Assert.Contains("leads outside the workspace", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(outside.Path, "pwned.txt")));
    }

    [Fact]
    public async Task Edit_replaces_a_unique_match_and_shows_a_diff()
    {
        _host.Workspace.Write("app.py", "def f():\n    return 1\n\nprint(f())\n");

        var result = await _host.OkAsync("edit", new JsonObject { ["path"] = "app.py", ["old"] = "return 1", ["new"] = "return 2" });

        Assert.Equal("def f():\n    return 2\n\nprint(f())\n", File.ReadAllText(_host.PathOf("app.py")));
        var diff = (string)result["diff"]!;
        Assert.Contains("-    return 1\n", diff, StringComparison.Ordinal);
        Assert.Contains("+    return 2\n", diff, StringComparison.Ordinal);
        Assert.Contains(" def f():\n", diff, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_keeps_crlf_line_ends_and_the_byte_order_mark()
    {
        File.WriteAllBytes(_host.PathOf("win.txt"), [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("one\r\ntwo\r\nthree\r\n")]);

        await _host.OkAsync("edit", new JsonObject { ["path"] = "win.txt", ["old"] = "one\ntwo", ["new"] = "one\n2\nmore" });

        var bytes = File.ReadAllBytes(_host.PathOf("win.txt"));
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Equal("one\r\n2\r\nmore\r\nthree\r\n", Encoding.UTF8.GetString(bytes[3..]));
    }

    [Fact]
    public async Task Edit_refuses_ambiguous_absent_and_no_op_edits()
    {
        _host.Workspace.Write("x.txt", "a = 1\na = 1\n");

        Assert.Contains("occurs 2 times", await _host.ErrorAsync("edit", new JsonObject { ["path"] = "x.txt", ["old"] = "a = 1", ["new"] = "a = 2" }), StringComparison.Ordinal);
        Assert.Contains("was not found", await _host.ErrorAsync("edit", new JsonObject { ["path"] = "x.txt", ["old"] = "b = 1", ["new"] = "b = 2" }), StringComparison.Ordinal);
        Assert.Contains("changes nothing", await _host.ErrorAsync("edit", new JsonObject { ["path"] = "x.txt", ["old"] = "a = 1", ["new"] = "a = 1", ["replace_all"] = true }), StringComparison.Ordinal);
        Assert.Equal("a = 1\na = 1\n", File.ReadAllText(_host.PathOf("x.txt")));

        var all = await _host.OkAsync("edit", new JsonObject { ["path"] = "x.txt", ["old"] = "a = 1", ["new"] = "a = 2", ["replace_all"] = true });
        Assert.Equal(2, (int)all["replacements"]!);
        Assert.Equal("a = 2\na = 2\n", File.ReadAllText(_host.PathOf("x.txt")));
    }

    [Fact]
    public async Task Edit_tolerates_whitespace_and_quote_differences_and_changes_only_the_matched_span()
    {
        var original = "x  =  \u201Chello\u201D\n\tif (a)\t{\n\t\tgo();\n\t}\ntrailing   spaces   stay   \n";
        _host.Workspace.Write("t.js", original);

        var result = await _host.OkAsync("edit", new JsonObject { ["path"] = "t.js", ["old"] = "if (a) {\n  go();\n}", ["new"] = "if (b) {\n\t\tstop();\n\t}" });
        await _host.OkAsync("edit", new JsonObject { ["path"] = "t.js", ["old"] = "x = \"hello\"", ["new"] = "x = \"bye\"" });

        Assert.Contains("matched ignoring", (string)result["note"]!, StringComparison.Ordinal);
        Assert.Equal("x = \"bye\"\n\tif (b) {\n\t\tstop();\n\t}\ntrailing   spaces   stay   \n", File.ReadAllText(_host.PathOf("t.js")));
    }

    [Fact]
    public async Task Glob_finds_files_newest_first_and_skips_what_gitignore_excludes()
    {
        _host.Workspace.Write(".gitignore", "bin/\n*.log\n");
        _host.Workspace.Write("src/old.cs", "");
        _host.Workspace.Write("src/deep/new.cs", "");
        _host.Workspace.Write("src/.gitignore", "generated.cs\n");
        _host.Workspace.Write("src/generated.cs", "");
        _host.Workspace.Write("bin/out.cs", "");
        _host.Workspace.Write("x.log", "");
        _host.Workspace.Write(".git/config.cs", "");
        File.SetLastWriteTimeUtc(_host.PathOf("src/old.cs"), DateTime.UtcNow.AddHours(-1));

        var result = await _host.OkAsync("glob", new JsonObject { ["pattern"] = "**/*.cs" });
        var logs = await _host.OkAsync("glob", new JsonObject { ["pattern"] = "*" });

        Assert.Equal(["src/deep/new.cs", "src/old.cs"], result["files"]!.AsArray().Select(f => (string)f!).ToArray());
        Assert.DoesNotContain(logs["files"]!.AsArray(), f => (string)f! == "x.log");
    }

    [Fact]
    public async Task Glob_limits_results_and_says_how_many_more_there_are()
    {
        for (var i = 0; i < 120; i++) _host.Workspace.Write($"f{i:000}.txt", "");

        var first = await _host.OkAsync("glob", new JsonObject { ["pattern"] = "*.txt" });
        var few = await _host.OkAsync("glob", new JsonObject { ["pattern"] = "*.txt", ["limit"] = 5 });

        Assert.Equal(100, (int)first["count"]!);
        Assert.Equal(120, (int)first["total"]!);
        Assert.Contains("20 more", (string)first["note"]!, StringComparison.Ordinal);
        Assert.Equal(5, few["files"]!.AsArray().Count);
        Assert.Contains("1000", await _host.ErrorAsync("glob", new JsonObject { ["pattern"] = "*", ["limit"] = 5000 }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Glob_does_not_follow_links_out_of_the_workspace_or_accept_escaping_patterns()
    {
        using var outside = new TempDirectory();
        outside.Write("secret.cs", "");
        Directory.CreateSymbolicLink(_host.PathOf("out"), outside.Path);
        File.CreateSymbolicLink(_host.PathOf("secret-link.cs"), Path.Combine(outside.Path, "secret.cs"));

        var result = await _host.OkAsync("glob", new JsonObject { ["pattern"] = "**/*.cs" });

        Assert.Empty(result["files"]!.AsArray());
        Assert.Contains("no ..", await _host.ErrorAsync("glob", new JsonObject { ["pattern"] = "../*" }), StringComparison.Ordinal);
        Assert.Contains("outside", await _host.ErrorAsync("glob", new JsonObject { ["pattern"] = "*", ["path"] = "/etc" }), StringComparison.Ordinal);
    }

    public void Dispose() => _host.Dispose();
}
