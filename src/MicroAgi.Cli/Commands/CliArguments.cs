using MicroAgi.Registry;

namespace MicroAgi.Cli.Commands;

/// <summary>Reads command-line values whose checks live in the libraries, so that a bad one is a usage error.</summary>
internal static class CliArguments
{
    public static EntryId EntryId(string text)
    {
        try
        {
            return Registry.EntryId.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new UsageException(ex.Message, ex);
        }
    }
}
