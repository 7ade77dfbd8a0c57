using MicroAgi.Llm.Models;

namespace MicroAgi.Cli.Hosting;

/// <summary>
/// Picks the session's models. The user's choice (--model, MICROAGI_MODEL, microagi.yaml) wins;
/// otherwise the agent's own model if a configured provider can run it, else the best reasoning
/// model that can run. The compression model likewise falls back to what can run.
/// </summary>
internal static class ModelChoice
{
    public static (string? Override, string Compression) Choose(
        ModelCatalog catalog, ChatClientPool clients, string? explicitModel, string? agentModel, string? configuredCompression)
    {
        string? modelOverride = explicitModel;
        if (explicitModel is null && agentModel is not null && !clients.CanRun(catalog.Resolve(agentModel)))
        {
            modelOverride = BestRunnable(catalog, clients, "reasoning")?.Name;
        }

        var compression = configuredCompression
            // An unregistered model (llama3.1 on Ollama, say) is the only one that server has: compress with it too.
            ?? (explicitModel is not null && catalog.FindByName(explicitModel) is null ? explicitModel : null)
            ?? BestRunnable(catalog, clients, "fast")?.Name
            ?? modelOverride
            ?? agentModel
            ?? "fast";
        return (modelOverride, compression);
    }

    private static ModelDefinition? BestRunnable(ModelCatalog catalog, ChatClientPool clients, string modelClass) =>
        catalog.Models.Where(m => m.HasClass(modelClass) && clients.CanRun(m)).OrderByDescending(m => m.Priority).FirstOrDefault();
}
