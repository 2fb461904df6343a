namespace OpenHands.Sdk.Remote.Internal;

/// <summary>What an HTTP 404 on a route means.</summary>
internal enum NotFoundMeaning
{
    Other = 0,
    Profile = 1,
    Conversation = 2,
    ProfileOrConversation = 3,
    AgentProfile = 4,
}
