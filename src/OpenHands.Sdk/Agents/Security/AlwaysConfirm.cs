namespace OpenHands.Sdk.Agents.Security;

/// <summary>Asks before every action (<c>{"kind": "AlwaysConfirm"}</c>).</summary>
public sealed record AlwaysConfirm : ConfirmationPolicy
{
    /// <inheritdoc/>
    public override string Kind => "AlwaysConfirm";

    /// <inheritdoc/>
    public override bool ShouldConfirm(SecurityRisk risk) => true;
}
