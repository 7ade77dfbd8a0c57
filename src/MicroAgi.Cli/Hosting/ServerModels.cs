using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAgi.Llm.Models;
using MicroAgi.Llm.Providers;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// With a local OpenAI-compatible server (OPENAI_BASE_URL or --base-url) and no model chosen, the default model is a
/// name that server most likely does not serve. Its <c>GET /models</c> says what it does: the one model it serves is
/// taken, several make a clear error that lists them; a server that does not answer the list leaves things as they were.
/// </summary>
internal static class ServerModels
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <returns>The model to run instead of <paramref name="model"/>, or null to keep it.</returns>
    /// <exception cref="ConfigException">The server serves several models, none of them <paramref name="model"/>.</exception>
    public static async Task<string?> ChooseAsync(ProviderSettings provider, ModelDefinition model, CancellationToken cancellationToken)
    {
        if (provider.Kind != ProviderKind.OpenAI || provider.BaseUrl is null || provider.BaseUrl == ProviderSettings.OpenAIDefaultBaseUrl) return null;
        var served = await ListAsync(provider, cancellationToken).ConfigureAwait(false);
        if (served is not { Count: > 0 } || served.Contains(model.ProviderModelFor(provider), StringComparer.Ordinal)) return null;
        if (served.Count == 1) return served[0];
        throw new ConfigException(
            $"the server at {provider.DisplayBaseUrl} does not serve {model.ProviderModelFor(provider)}; it serves {string.Join(", ", served.Take(20))}"
            + (served.Count > 20 ? $" and {served.Count - 20} more" : "")
            + ": choose one with --model NAME (or MICROAGI_MODEL, or model: in microagi.yaml)");
    }

    private static async Task<IReadOnlyList<string>?> ListAsync(ProviderSettings provider, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(provider.EffectiveBaseUrl.ToString().TrimEnd('/') + "/models"));
        if (!string.IsNullOrEmpty(provider.ApiKey)) request.Headers.Authorization = new("Bearer", provider.ApiKey);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) return null;
            var list = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            return list?["data"] is JsonArray data ? [.. data.Select(m => m?["id"]?.GetValueKind() == JsonValueKind.String ? (string?)m["id"] : null).OfType<string>()] : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
        {
            // No list (an old server, a proxy that hides it): the model stays as chosen, and a wrong one fails as before.
            return null;
        }
    }
}
