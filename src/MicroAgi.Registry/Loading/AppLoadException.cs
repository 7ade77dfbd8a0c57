namespace MicroAgi.Registry.Loading;

/// <summary>An app could not be loaded; the message names the file and line when there is one.</summary>
public sealed class AppLoadException : Exception
{
    public AppLoadException(string message, Exception? inner = null) : base(message, inner) { }

    public AppLoadException(string file, long line, string message, Exception? inner = null)
        : base($"{file}:{line}: {message}", inner)
    {
        File = file;
        Line = line;
    }

    public string? File { get; }
    public long? Line { get; }
}
