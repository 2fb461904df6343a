namespace OpenHands.Sdk.Agents.Security;

/// <summary>
/// Asks before actions rated at or above <see cref="Threshold"/>, and before unrated ones when
/// <see cref="ConfirmUnknown"/> is set (<c>{"threshold": "HIGH", "confirm_unknown": true, "kind": "ConfirmRisky"}</c>).
/// </summary>
public sealed record ConfirmRisky : ConfirmationPolicy
{
    /// <inheritdoc/>
    public override string Kind => "ConfirmRisky";

    /// <summary>Gets the lowest risk that waits for confirmation.</summary>
    /// <value>The default is <see cref="SecurityRisk.High"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is <see cref="SecurityRisk.Unknown"/> or not a defined risk.</exception>
    public SecurityRisk Threshold
    {
        get;
        init => field = value is SecurityRisk.Low or SecurityRisk.Medium or SecurityRisk.High
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Threshold), value, "The threshold must be Low, Medium or High, not Unknown.");
    } = SecurityRisk.High;

    /// <summary>Gets whether an action the analyzer could not rate waits for confirmation.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ConfirmUnknown { get; init; } = true;

    /// <inheritdoc/>
    public override bool ShouldConfirm(SecurityRisk risk) => risk == SecurityRisk.Unknown ? ConfirmUnknown : risk >= Threshold;
}
