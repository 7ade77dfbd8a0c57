namespace MicroAgi.Cli.Hosting;

/// <summary>Finds the state directory: --state-dir, else $MICROAGI_HOME, else ~/.microagi.</summary>
internal static class StateDirectory
{
    public const string EnvironmentVariable = "MICROAGI_HOME";

    public static string Resolve(string? fromOption)
    {
        if (!string.IsNullOrWhiteSpace(fromOption)) return Path.GetFullPath(fromOption);
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return Path.GetFullPath(fromEnvironment);
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".microagi");
    }

    public static string RegistryDatabase(string stateDirectory) => Path.Combine(stateDirectory, "registry.db");
}
