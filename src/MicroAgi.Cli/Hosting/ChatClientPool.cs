using Microsoft.Extensions.AI;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;

namespace MicroAgi.Cli.Hosting;

/// <summary>One chat client per model for the whole session (each owns an HTTP connection pool).</summary>
internal sealed class ChatClientPool(ChatClientFactory factory) : IDisposable
{
    private readonly Dictionary<string, IChatClient> _clients = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public ChatClientFactory Factory { get; } = factory;

    public IChatClient For(ModelDefinition model)
    {
        ArgumentNullException.ThrowIfNull(model);
        lock (_gate)
        {
            if (!_clients.TryGetValue(model.Name, out var client)) _clients[model.Name] = client = Factory.Create(model);
            return client;
        }
    }

    /// <summary>The provider the model runs on, as the tool policy's <c>byProvider</c> names it; null when none can run it.</summary>
    public string? ProviderOf(ModelDefinition model) => SettingsFor(model) is { } provider ? ToolPolicySetup.ProviderName(provider) : null;

    /// <summary>The endpoint the model is sent to, for the banner (credentials in the URL masked); null when none can run it.</summary>
    public string? EndpointOf(ModelDefinition model) => SettingsFor(model)?.DisplayBaseUrl;

    /// <summary>Whether some configured provider can run this model.</summary>
    public bool CanRun(ModelDefinition model) => SettingsFor(model) is not null;

    /// <summary>The provider that would run the model; null when none can.</summary>
    public ProviderSettings? SettingsFor(ModelDefinition model)
    {
        try
        {
            return Factory.SelectProvider(model);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var client in _clients.Values) client.Dispose();
            _clients.Clear();
        }
    }
}
