using System.Globalization;
using System.Text.Json.Nodes;
using MicroAgi.Registry;
using MicroAgi.Registry.Postgres;
using MicroAgi.Registry.Storage;

// A child process for the registry tests. <store> is a SQLite file path or a PostgreSQL URL / connection string.
//
// CrashWriter <store> <entries-per-version> [versions]
//   Applies versions forever; version N creates entries app.crash:N_0 .. N_{k-1}, each with a large
//   payload so a write takes long enough to be interrupted. The parent kills this process at random.
//   With a number of versions it applies that many, printing "applied N" as each is reported applied, and
//   exits: the durability test watches (with strace) what reached the disk before each of those lines.
// CrashWriter --writer <store> <versions> <name>
//   Applies that many one-entry versions (app.multi:<name>_<i>) as one of several writer processes, and exits.
// CrashWriter --follow <store>
//   Follows the store, printing "seen N" for each version another process stores, until killed.
if (args[0] == "--follow")
{
    await using var follower = await OpenAsync(args[1]);
    follower.Changed += (_, e) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seen {e.Version.Number}"));
    Console.WriteLine("ready");
    await follower.FollowAsync(CancellationToken.None);
    return;
}
if (args[0] == "--writer")
{
    await using var writer = await OpenAsync(args[1]);
    var count = int.Parse(args[2], CultureInfo.InvariantCulture);
    Console.WriteLine("ready");
    for (var i = 0; i < count; i++)
    {
        var id = new EntryId("app.multi", string.Create(CultureInfo.InvariantCulture, $"{args[3]}_{i}"));
        await writer.ApplyAsync(new ChangeSet().Create(Entry.Create(id, "registry.entry")));
    }
    return;
}

var perVersion = int.Parse(args[1], CultureInfo.InvariantCulture);
long? versions = args.Length > 2 ? long.Parse(args[2], CultureInfo.InvariantCulture) : null;
var payload = new string('x', 4096);
await using var registry = await OpenAsync(args[0]);
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

static async Task<EntryRegistry> OpenAsync(string store)
{
    IRegistryStore opened = PostgresUrl.IsPostgres(store) || store.Contains("Host=", StringComparison.Ordinal)
        ? await PostgresRegistryStore.OpenAsync(store)
        : SqliteRegistryStore.Open(store);
    return await EntryRegistry.OpenAsync(opened, []);
}
