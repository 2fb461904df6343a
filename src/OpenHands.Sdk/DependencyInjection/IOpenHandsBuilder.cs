namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Returned by <see cref="OpenHandsServiceCollectionExtensions.AddOpenHands"/> to chain further OpenHands registrations.</summary>
public interface IOpenHandsBuilder
{
    /// <summary>Gets the service collection the SDK was added to.</summary>
    IServiceCollection Services { get; }
}
