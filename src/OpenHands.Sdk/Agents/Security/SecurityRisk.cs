namespace OpenHands.Sdk.Agents.Security;

/// <summary>How risky an action is (JSON <c>security_risk</c>: <c>UNKNOWN</c>, <c>LOW</c>, <c>MEDIUM</c>, <c>HIGH</c>).</summary>
public enum SecurityRisk
{
    /// <summary>Not rated (<c>UNKNOWN</c>): no analyzer, or the analyzer could not tell.</summary>
    Unknown = 0,

    /// <summary>Reads or changes only the workspace in ordinary ways (<c>LOW</c>).</summary>
    Low = 1,

    /// <summary>Reaches outside the workspace in a bounded way, for example the network (<c>MEDIUM</c>).</summary>
    Medium = 2,

    /// <summary>Destructive, privileged, or runs code from elsewhere (<c>HIGH</c>).</summary>
    High = 3,
}
