using MicroAgi.Registry;

namespace MicroAgi.Security;

/// <summary>
/// Refuses malformed <c>security.policy</c> entries at write time, so a broken policy never reaches
/// the registry (where it would make its scopes fail closed until someone fixes it).
/// </summary>
public sealed class PolicyEntryValidator : IEntryValidator
{
    public IEnumerable<string> Validate(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Kind != Policy.Kind) return [];
        try
        {
            Policy.FromEntry(entry);
            return [];
        }
        catch (InvalidPolicyException ex)
        {
            return [ex.Problem];
        }
    }
}
