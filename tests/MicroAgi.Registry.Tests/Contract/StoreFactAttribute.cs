using Xunit.Abstractions;
using Xunit.Sdk;

namespace MicroAgi.Registry.Tests.Contract;

/// <summary>
/// A fact of a store's test class: skipped, with the reason, when the class needs PostgreSQL
/// (<see cref="RequiresPostgresAttribute"/>) and none is configured; run otherwise.
/// </summary>
[XunitTestCaseDiscoverer("MicroAgi.Registry.Tests.Contract.StoreFactDiscoverer", "MicroAgi.Registry.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>Marks a test class whose store is PostgreSQL.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresPostgresAttribute : Attribute;

public sealed class StoreFactDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        ArgumentNullException.ThrowIfNull(discoveryOptions);
        ArgumentNullException.ThrowIfNull(testMethod);
        var needsPostgres = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any();
        var skip = needsPostgres ? PostgresTestDatabase.MissingReason : null;
        yield return new StoreTestCase(diagnostics, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, skip);
    }
}

public sealed class StoreTestCase : XunitTestCase
{
    private string? _skip;

    [Obsolete("For deserialization only")]
    public StoreTestCase()
    {
    }

    public StoreTestCase(IMessageSink diagnostics, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method, string? skip)
        : base(diagnostics, display, options, method) => _skip = skip;

    protected override string? GetSkipReason(IAttributeInfo factAttribute) => _skip ?? base.GetSkipReason(factAttribute);

    public override void Serialize(IXunitSerializationInfo data)
    {
        ArgumentNullException.ThrowIfNull(data);
        base.Serialize(data);
        data.AddValue("StoreSkip", _skip);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _skip = data.GetValue<string?>("StoreSkip");
        base.Deserialize(data);
    }
}
