namespace OpenHands.Sdk.Agents.Security;

/// <summary>
/// Decides which actions wait for the user's confirmation before they run (JSON <c>confirmation_policy</c>, with the
/// Python SDK's <c>kind</c> names): <see cref="NeverConfirm"/>, <see cref="AlwaysConfirm"/> or <see cref="ConfirmRisky"/>.
/// </summary>
/// <remarks>
/// A batch that is a single <c>finish</c> or <c>think</c> call never waits. Otherwise the batch waits when the policy
/// asks to confirm any of its actions, given the risk the conversation's security analyzer rates it (or
/// <see cref="SecurityRisk.Unknown"/> without one). Instances are immutable.
/// </remarks>
public abstract record ConfirmationPolicy
{
    private protected ConfirmationPolicy()
    {
    }

    /// <summary>Gets the policy that never asks (the default).</summary>
    public static ConfirmationPolicy Never { get; } = new NeverConfirm();

    /// <summary>Gets the policy that asks before every action.</summary>
    public static ConfirmationPolicy Always { get; } = new AlwaysConfirm();

    /// <summary>Gets the Python SDK's name of the policy (<c>kind</c>), for example <c>ConfirmRisky</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>Returns whether an action of the given risk waits for confirmation.</summary>
    /// <param name="risk">The action's risk.</param>
    /// <returns><see langword="true"/> when the user must confirm it first.</returns>
    public abstract bool ShouldConfirm(SecurityRisk risk);
}
