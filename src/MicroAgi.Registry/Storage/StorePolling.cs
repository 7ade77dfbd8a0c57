namespace MicroAgi.Registry.Storage;

/// <summary>How often stores without notifications look for versions other processes stored.</summary>
internal static class StorePolling
{
    /// <summary>Reading the newest version costs one indexed lookup: a few times a second is cheap, and soon enough for a person.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
}
