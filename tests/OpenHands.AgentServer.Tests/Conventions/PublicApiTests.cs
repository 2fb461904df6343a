using OpenHands.AgentServer;

namespace OpenHands.AgentServer.Tests.Conventions;

/// <summary>The server package's public surface changes only on purpose (src/OpenHands.AgentServer/PublicAPI.txt).</summary>
[Category("Conventions")]
public sealed class PublicApiTests
{
    [Test]
    public void PublicApi_MatchesApprovedListing() => PublicApiApproval.Verify(typeof(AgentServerOptions).Assembly, "OpenHands.AgentServer");
}
