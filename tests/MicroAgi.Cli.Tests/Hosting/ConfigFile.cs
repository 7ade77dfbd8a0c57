using MicroAgi.Cli.Hosting;

namespace MicroAgi.Cli.Tests.Hosting;

/// <summary>A microagi.yaml in a temporary directory, loaded the way the CLI loads it.</summary>
internal sealed class ConfigFile : IDisposable
{
    private readonly string _directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "microagi-config-" + Guid.NewGuid().ToString("N"));

    public ConfigFile(string yaml)
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path, yaml);
    }

    public string Path => System.IO.Path.Combine(_directory, MicroAgiConfig.FileName);

    public static MicroAgiConfig Load(string yaml)
    {
        using var file = new ConfigFile(yaml);
        return MicroAgiConfig.Load(file.Path, required: true);
    }

    public static ConfigException LoadFails(string yaml) => Assert.Throws<ConfigException>(() => Load(yaml));

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
