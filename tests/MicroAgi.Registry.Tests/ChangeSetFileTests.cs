using MicroAgi.Registry.Loading;

namespace MicroAgi.Registry.Tests;

public class ChangeSetFileTests
{
    [Theory]
    [InlineData("changes:\n  - { op: create, id: \"app: \", kind: k }\n", "changes.yaml:2", "has an empty name")]
    [InlineData("changes:\n  - { op: delete, id: \" :x\" }\n", "changes.yaml:2", "has an empty namespace")]
    [InlineData("changes:\n  - { op: create, id: \"app:x\", kind: \" \" }\n", "changes.yaml:2", "no 'kind'")]
    [InlineData("changes:\n  - { op: delete, id: \"app\\e:x\" }\n", "changes.yaml:2", "the namespace contains a control character (U+001B)")]
    [InlineData("changes:\n  - { op: create, id: \"app:x\", kind: \"k\\n\" }\n", "changes.yaml:2", "the kind 'k\\u000A' contains a control character")]
    [InlineData("description: d\nchange: []\nchanges:\n  - { op: delete, id: app:x }\n", "changes.yaml:2", "unknown key 'change': a changeset has only 'description' and 'changes'")]
    [InlineData("changes:\n  - op: delete\n    id: app:x\n    kind: k\n", "changes.yaml:4", "unknown key 'kind': delete app:x: a delete has only 'op' and 'id'")]
    [InlineData("changes:\n  - op: create\n    id: app:x\n    kind: k\n    limit: 1e400\n", "changes.yaml:5", "the number 1e400 is too large to store; quote it to keep it as text")]
    [InlineData("changes:\n  - { op: delete, id: app:x }\n---\nchanges:\n  - { op: delete, id: app:y }\n", "changes.yaml:3", "a second YAML document starts here")]
    public void Bad_input_names_the_file_and_line_and_what_is_wrong(string yaml, string location, string message)
    {
        using var dir = new TempDir();
        var path = dir.Write("changes.yaml", yaml);
        var ex = Assert.Throws<AppLoadException>(() => ChangeSetFile.Load(path));
        Assert.Contains(location, ex.Message);
        Assert.Contains(message, ex.Message);
    }
}
