using System.Globalization;
using System.Text.Json.Nodes;
using MicroAgi.Registry;
using MicroAgi.Registry.Storage;

// Usage: CrashWriter <database> <entries-per-version> [versions]
// Applies versions forever; version N creates entries app.crash:N_0 .. N_{k-1}, each with a large
// payload so a write takes long enough to be interrupted. The parent kills this process at random.
// With a number of versions it applies that many, printing "applied N" as each is reported applied, and
// exits: the durability test watches (with strace) what reached the disk before each of those lines.
var path = args[0];
var perVersion = int.Parse(args[1], CultureInfo.InvariantCulture);
long? versions = args.Length > 2 ? long.Parse(args[2], CultureInfo.InvariantCulture) : null;
var payload = new string('x', 4096);
await using var registry = await EntryRegistry.OpenAsync(SqliteRegistryStore.Open(path), []);
Console.WriteLine("ready");
while (versions is null || registry.Version < versions)
{
    var number = registry.Version + 1;
    var changes = new ChangeSet($"crash batch {number}");
    for (var i = 0; i < perVersion; i++)
    {
        var id = new EntryId("app.crash", string.Create(CultureInfo.InvariantCulture, $"{number}_{i}"));
        changes.Create(Entry.Create(id, "registry.entry", new JsonObject { ["batch"] = number }, new JsonObject { ["payload"] = payload }));
    }
    var applied = await registry.ApplyAsync(changes);
    if (versions is not null) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"applied {applied.Number}"));
}
