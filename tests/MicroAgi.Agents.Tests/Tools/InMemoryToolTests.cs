namespace MicroAgi.Agents.Tests.Tools;

/// <summary>Tests that run the built-in tools against a fresh in-memory registry each.</summary>
public abstract class InMemoryToolTests : IAsyncLifetime
{
    internal ToolTestHost Host { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Host = ToolTestHost.InMemory();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
