namespace MicroAgi.Registry;

/// <summary>
/// Checks the content of entries before they are written (e.g. that a security policy is well formed).
/// Layers above the registry register validators for the kinds they understand.
/// </summary>
public interface IEntryValidator
{
    /// <summary>The problems with this entry (empty when it is fine). Each should say what to fix.</summary>
    IEnumerable<string> Validate(Entry entry);
}
