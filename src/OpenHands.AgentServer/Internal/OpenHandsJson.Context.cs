using System.Text.Json.Serialization;
using OpenHands.AgentServer.Internal;

namespace OpenHands.Sdk.Serialization;

/// <summary>
/// The server's part of <see cref="OpenHandsJson"/> (compiled in from the SDK's tree): its options use the server's own
/// context, <see cref="ServerJsonContext"/>.
/// </summary>
internal static partial class OpenHandsJson
{
    internal static partial JsonSerializerContext Context => ServerJsonContext.Default;
}
