namespace OpenHands.Sdk.Agents.Security;

/// <summary>Runs every action without asking (<c>{"kind": "NeverConfirm"}</c>); the default policy.</summary>
public sealed record NeverConfirm : ConfirmationPolicy
{
    /// <inheritdoc/>
    public override string Kind => "NeverConfirm";

    /// <inheritdoc/>
    public override bool ShouldConfirm(SecurityRisk risk) => false;
}
