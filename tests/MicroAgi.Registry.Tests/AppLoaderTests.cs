using MicroAgi.Registry.Loading;

namespace MicroAgi.Registry.Tests;

public class AppLoaderTests
{
    [Fact]
    public void Loads_entries_moving_extra_keys_into_data_and_merging_file_meta_under_entry_meta()
    {
        using var dir = new TempDir();
        dir.Write("README.md", "# Micro AGI\n");
        dir.Write("_index.yaml", """
            version: "1.0"
            namespace: app
            meta:
              owner: core
              comment: from file
            entries:
              - name: definition
                kind: ns.definition
                readme: file://README.md
                meta:
                  title: Micro AGI
                  comment: from entry
              - name: deny_core_ns
                kind: security.policy
                policy:
                  actions: "*"
                  resources: "app:*"
                  effect: deny
                groups: [agent_security]
                data:
                  extra: 1
            """);

        var entries = AppLoader.Load(new DirectoryAppFiles(dir.Path)).ToDictionary(e => e.Id.ToString());

        var definition = entries["app:definition"];
        Assert.Equal("ns.definition", definition.Kind);
        Assert.Equal("# Micro AGI\n", definition.DataString("readme"));
        Assert.Equal("from entry", definition.MetaString("comment"));
        Assert.Equal("core", definition.MetaString("owner"));
        var policy = entries["app:deny_core_ns"];
        Assert.Equal("deny", policy.Data.GetProperty("policy").GetProperty("effect").GetString());
        Assert.Equal("agent_security", policy.Data.GetProperty("groups")[0].GetString());
        Assert.Equal(1, policy.Data.GetProperty("extra").GetInt32());
    }

    [Fact]
    public void Types_plain_scalars_and_keeps_quoted_ones_as_strings()
    {
        using var dir = new TempDir();
        dir.Write("_index.yaml", """
            namespace: app
            entries:
              - name: m
                kind: registry.entry
                meta: { n: 128000, price: 2.5, on: true, quoted: "42", none: ~, word: hello }
            """);
        var meta = AppLoader.Load(new DirectoryAppFiles(dir.Path)).Single().Meta;
        Assert.Equal(128000, meta.GetProperty("n").GetInt64());
        Assert.Equal(2.5, meta.GetProperty("price").GetDouble());
        Assert.True(meta.GetProperty("on").GetBoolean());
        Assert.Equal("42", meta.GetProperty("quoted").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, meta.GetProperty("none").ValueKind);
        Assert.Equal("hello", meta.GetProperty("word").GetString());
    }

    [Fact]
    public void Reads_nested_index_files_with_file_references_relative_to_each_yaml()
    {
        using var dir = new TempDir();
        dir.Write("tools/clock.lua", "return { handler = function() return os.time() end }");
        dir.Write("tools/_index.yaml", """
            namespace: app.tools
            entries:
              - name: clock
                kind: function.lua
                source: file://clock.lua
                method: handler
            """);
        var entry = AppLoader.Load(new DirectoryAppFiles(dir.Path)).Single();
        Assert.Equal("app.tools:clock", entry.Id.ToString());
        Assert.StartsWith("return {", entry.DataString("source"));
    }

    [Fact]
    public void A_later_layer_overrides_entries_of_an_earlier_one()
    {
        using var builtIn = new TempDir();
        using var user = new TempDir();
        builtIn.Write("_index.yaml", "namespace: app\nentries:\n  - { name: a, kind: k, meta: { v: builtin } }\n  - { name: b, kind: k }\n");
        user.Write("_index.yaml", "namespace: app\nentries:\n  - { name: a, kind: k, meta: { v: user } }\n  - { name: c, kind: k }\n");
        var entries = AppLoader.Load(new DirectoryAppFiles(builtIn.Path), new DirectoryAppFiles(user.Path)).ToDictionary(e => e.Id.ToString());
        Assert.Equal(["app:a", "app:b", "app:c"], entries.Keys.Order());
        Assert.Equal("user", entries["app:a"].MetaString("v"));
    }

    [Theory]
    [InlineData("namespace: app\nentries:\n  - name: x\n    kind: [unclosed\n", "_index.yaml:", "malformed YAML")]
    [InlineData("namespace: app\nentries:\n  - kind: k\n", "_index.yaml:3", "entry has no 'name'")]
    [InlineData("namespace: app\nentries:\n  - name: x\n", "_index.yaml:3", "entry 'x' has no 'kind'")]
    [InlineData("entries: []\n", "_index.yaml:1", "missing 'namespace'")]
    [InlineData("namespace: app\nentries:\n  - { name: x, kind: k }\n  - { name: x, kind: k }\n", "_index.yaml:4", "duplicate id app:x: already defined at")]
    [InlineData("namespace: app\nentries:\n  - { name: x, kind: k, src: file://missing.lua }\n", "_index.yaml:3", "file://missing.lua not found")]
    [InlineData("namespace: app\nentries:\n  - { name: x, kind: k, src: file://../outside.txt }\n", "_index.yaml:3", "points outside the app root")]
    [InlineData("namespace: app\nentries:\n  - { name: x, kind: k, src: file:///etc/passwd }\n", "_index.yaml:3", "points outside the app root")]
    [InlineData("namespace: app\nentries:\n  - { name: x, kind: k, meta: 5 }\n", "_index.yaml:3", "'x.meta' must be a mapping")]
    [InlineData("namespace: app\nentries:\n  - { name: \" \", kind: k }\n", "_index.yaml:3", "entry has no 'name'")]
    [InlineData("namespace: app\nentries:\n  - { name: x, kind: \" \" }\n", "_index.yaml:3", "entry 'x' has no 'kind'")]
    [InlineData("namespace: \" \"\nentries: []\n", "_index.yaml:1", "missing 'namespace'")]
    [InlineData("namespace: app\nentries:\n  - { name: x, kind: k }\n---\nnamespace: app\nentries:\n  - { name: y, kind: k }\n", "_index.yaml:4", "a second YAML document starts here")]
    [InlineData("namespace: app\nentries:\n  - { name: x, kind: k }\n---\n", "_index.yaml:4", "a second YAML document starts here")]
    [InlineData("namespace: app\nentries:\n  - { name: x, kind: k, a: &v [1], b: *v }\n", "_index.yaml:3", "aliases (*name) are not supported")]
    [InlineData("namespace: app\nentries:\n  - name: x\n    kind: k\n    meta: { max: -1e400 }\n", "_index.yaml:5", "the number -1e400 is too large to store")]
    [InlineData("namespace: \"a:b\"\nentries:\n  - { name: c, kind: k }\n", "_index.yaml:3", "the namespace 'a:b' contains ':'")]
    [InlineData("namespace: \" app\"\nentries:\n  - { name: c, kind: k }\n", "_index.yaml:3", "the namespace starts or ends with a space")]
    [InlineData("namespace: app\nentries:\n  - { name: \"c\\e[2J\", kind: k }\n", "_index.yaml:3", "the name contains a control character (U+001B)")]
    [InlineData("namespace: app\nentries:\n  - { name: c, kind: \"k\\0\" }\n", "_index.yaml:3", "the kind 'k\\u0000' contains a control character")]
    public void Bad_input_names_the_file_and_line_and_what_is_wrong(string yaml, string location, string message)
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(dir.Path)!, "outside.txt"), "secret");
        dir.Write("_index.yaml", yaml);
        var ex = Assert.Throws<AppLoadException>(() => AppLoader.Load(new DirectoryAppFiles(dir.Path)));
        Assert.Contains(location, ex.Message);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void A_missing_app_directory_says_so()
    {
        var ex = Assert.Throws<AppLoadException>(() => new DirectoryAppFiles("/nonexistent/microagi-app"));
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused_with_file_and_line()
    {
        using var dir = new TempDir();
        // Deep enough that the entry could not be stored as JSON (System.Text.Json stops at 64 levels).
        dir.Write("_index.yaml", $"namespace: app\nentries:\n  - name: x\n    kind: k\n    meta: {{ v: {new string('[', 70)}{new string(']', 70)} }}\n");
        var ex = Assert.Throws<AppLoadException>(() => AppLoader.Load(new DirectoryAppFiles(dir.Path)));
        Assert.Contains("_index.yaml:5", ex.Message);
        Assert.Contains("nests deeper than 64 levels; flatten the structure", ex.Message);
    }

    [Fact]
    public void Nesting_deep_enough_to_overflow_a_recursive_loader_is_refused_before_it_is_loaded()
    {
        using var dir = new TempDir();
        dir.Write("_index.yaml", $"namespace: app\nentries:\n  - {{ name: x, kind: k, v: {new string('[', 200_000)}{new string(']', 200_000)} }}\n");
        var ex = Assert.Throws<AppLoadException>(() => AppLoader.Load(new DirectoryAppFiles(dir.Path)));
        Assert.Contains("_index.yaml:3", ex.Message);
    }

    [Fact]
    public void Nesting_within_the_limit_loads()
    {
        using var dir = new TempDir();
        dir.Write("_index.yaml", $"namespace: app\nentries:\n  - {{ name: x, kind: k, meta: {{ v: {new string('[', 50)}1{new string(']', 50)} }} }}\n");
        Assert.Single(AppLoader.Load(new DirectoryAppFiles(dir.Path)));
    }

    [Fact]
    public void A_file_reference_through_a_symlink_to_a_file_outside_the_app_is_refused()
    {
        using var dir = new TempDir();
        using var outside = new TempDir();
        var secret = outside.Write("secret.txt", "secret");
        File.CreateSymbolicLink(Path.Combine(dir.Path, "link.txt"), secret);
        dir.Write("_index.yaml", "namespace: app\nentries:\n  - { name: x, kind: k, src: file://link.txt }\n");

        var ex = Assert.Throws<AppLoadException>(() => AppLoader.Load(new DirectoryAppFiles(dir.Path)));
        Assert.Contains("_index.yaml:3", ex.Message);
        Assert.Contains("file://link.txt", ex.Message);
        Assert.Contains("outside the app directory", ex.Message);
        Assert.DoesNotContain("secret\"", ex.Message);
    }

    [Fact]
    public void A_file_reference_through_a_symlinked_directory_outside_the_app_is_refused()
    {
        using var dir = new TempDir();
        using var outside = new TempDir();
        outside.Write("secret.txt", "secret");
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "shared"), outside.Path);
        dir.Write("_index.yaml", "namespace: app\nentries:\n  - { name: x, kind: k, src: file://shared/secret.txt }\n");

        var ex = Assert.Throws<AppLoadException>(() => AppLoader.Load(new DirectoryAppFiles(dir.Path)));
        Assert.Contains("_index.yaml:3", ex.Message);
        Assert.Contains("outside the app directory", ex.Message);
    }

    [Fact]
    public void Symlinks_that_stay_inside_the_app_and_a_symlinked_app_directory_are_fine()
    {
        using var dir = new TempDir();
        using var links = new TempDir();
        dir.Write("src/real.lua", "return 1");
        File.CreateSymbolicLink(Path.Combine(dir.Path, "link.lua"), "src/real.lua");
        dir.Write("_index.yaml", "namespace: app\nentries:\n  - { name: x, kind: k, src: file://link.lua }\n");
        var app = Path.Combine(links.Path, "app");
        Directory.CreateSymbolicLink(app, dir.Path);

        Assert.Equal("return 1", AppLoader.Load(new DirectoryAppFiles(app)).Single().DataString("src"));
    }

    [Fact]
    public void A_linked_directory_leading_back_into_the_app_loads_each_file_once()
    {
        using var dir = new TempDir();
        dir.Write("tools/_index.yaml", "namespace: app.tools\nentries:\n  - { name: x, kind: k }\n");
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "again"), "tools");

        Assert.Equal("app.tools:x", AppLoader.Load(new DirectoryAppFiles(dir.Path)).Single().Id.ToString());
    }

    [Fact]
    public void Validators_run_at_load_and_name_the_file_and_line_of_the_entry()
    {
        using var dir = new TempDir();
        dir.Write("tools/_index.yaml", "namespace: app\nentries:\n  - { name: ok, kind: owned, meta: { owner: me } }\n  - { name: bad, kind: owned }\n");
        var validators = new IEntryValidator[] { new OwnerRequired() };

        var ex = Assert.Throws<AppLoadException>(() => AppLoader.Load(validators, new DirectoryAppFiles(dir.Path)));
        Assert.Contains("tools/_index.yaml:4", ex.Message);
        Assert.Contains("app:bad", ex.Message);
        Assert.Contains("meta.owner is missing", ex.Message);
    }

    /// <summary>A content rule of the kind layers above the registry register (like a policy check).</summary>
    private sealed class OwnerRequired : IEntryValidator
    {
        public IEnumerable<string> Validate(Entry entry) =>
            entry.Kind == "owned" && entry.MetaString("owner") is null ? ["meta.owner is missing; set meta.owner"] : [];
    }
}
