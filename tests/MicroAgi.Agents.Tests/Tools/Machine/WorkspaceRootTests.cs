using MicroAgi.Agents.Tools.Files;

namespace MicroAgi.Agents.Tests.Tools.Machine;

public sealed class WorkspaceRootTests : IDisposable
{
    private readonly TempDirectory _outside = new();
    private readonly TempDirectory _dir = new();
    private readonly WorkspaceRoot _root;

    public WorkspaceRootTests()
    {
        _dir.Write("src/a.txt", "a");
        _outside.Write("secret.txt", "secret");
        _root = WorkspaceRoot.At(_dir.Path);
    }

    [Theory]
    [InlineData("src/a.txt")]
    [InlineData("./src/../src/a.txt")]
    [InlineData("new/dir/file.txt")]
    [InlineData("src")]
    public void Paths_inside_resolve_below_the_root(string path)
    {
        Assert.True(_root.TryResolve(path, out var full, out var error), error);
        Assert.StartsWith(_root.FullPath + "/", full, StringComparison.Ordinal);
    }

    [Fact]
    public void An_absolute_path_inside_the_workspace_is_accepted_and_one_outside_refused()
    {
        Assert.True(_root.TryResolve(Path.Combine(_dir.Path, "src/a.txt"), out _, out var error), error);

        Assert.False(_root.TryResolve("/etc/passwd", out _, out error));
        Assert.Contains("outside the workspace", error, StringComparison.Ordinal);
        Assert.False(_root.TryResolve(Path.Combine(_outside.Path, "secret.txt"), out _, out _));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../secret.txt")]
    [InlineData("src/../../x")]
    [InlineData("src/../../../../../../../etc/passwd")]
    public void Dot_dot_that_climbs_out_is_refused(string path)
    {
        Assert.False(_root.TryResolve(path, out _, out var error));
        Assert.Contains("outside the workspace", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symbolic_link_to_outside_is_refused_for_itself_and_for_paths_through_it()
    {
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "link.txt"), Path.Combine(_outside.Path, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "out"), _outside.Path);
        Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "src/up"), "../..");

        foreach (var path in new[] { "link.txt", "out/secret.txt", "out/new.txt", "src/up/x", "out" })
        {
            Assert.False(_root.TryResolve(path, out _, out var error), path);
            Assert.Contains("symbolic link", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_symbolic_link_that_stays_inside_is_followed()
    {
        Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "alias"), "src");

        Assert.True(_root.TryResolve("alias/a.txt", out var full, out var error), error);
        Assert.Equal(Path.Combine(_root.FullPath, "src", "a.txt"), full);
    }

    [Fact]
    public void A_link_loop_is_an_error_not_a_hang()
    {
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "loop1"), "loop2");
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "loop2"), "loop1");

        Assert.False(_root.TryResolve("loop1", out _, out var error));
        Assert.Contains("symbolic links", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\uFF0E\uFF0E/secret.txt")]        // fullwidth full stops read as ..
    [InlineData("src\u2215..\u2215..\u2215x")]     // division slash reads as /
    [InlineData("src/\u202Etxt.exe")]              // right-to-left override hides the real name
    [InlineData("src/a\u200B.txt")]                // zero-width space
    [InlineData("src/a\0.txt")]                    // NUL ends the name for the kernel
    [InlineData("src/\u001b[2Ja.txt")]             // terminal escape
    public void Deceptive_unicode_and_control_characters_are_refused(string path)
    {
        Assert.False(_root.TryResolve(path, out _, out var error));
        Assert.Contains("refused", error, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Ordinary_non_ascii_names_are_fine()
    {
        Assert.True(_root.TryResolve("docs/übersicht-日本.md", out _, out var error), error);
    }

    [Fact]
    public void A_workspace_that_does_not_exist_is_a_clear_error()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => WorkspaceRoot.At(Path.Combine(_dir.Path, "missing")));
        Assert.Contains("is not a directory that exists", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _dir.Dispose();
        _outside.Dispose();
    }
}
