using System.Globalization;
using System.Text.Json.Nodes;
using MicroAgi.Registry;
using MicroAgi.Registry.Storage;

// Usage: CrashWriter <database> <entries-per-version>
// Applies versions forever; version N creates entries app.crash:N_0 .. N_{k-1}, each with a large
// payload so a write takes long enough to be interrupted. The parent kills this process at random.
var path = args[0];
var perVersion = int.Parse(args[1], CultureInfo.InvariantCulture);
var payload = new string('x', 4096);
await using var registry = await EntryRegistry.OpenAsync(SqliteRegistryStore.Open(path), []);
Console.WriteLine("ready");
while (true)
{
    var number = registry.Version + 1;
    var changes = new ChangeSet($"crash batch {number}");
    for (var i = 0; i < perVersion; i++)
    {
        var id = new EntryId("app.crash", string.Create(CultureInfo.InvariantCulture, $"{number}_{i}"));
        changes.Create(Entry.Create(id, "registry.entry", new JsonObject { ["batch"] = number }, new JsonObject { ["payload"] = payload }));
    }
    await registry.ApplyAsync(changes);
}
