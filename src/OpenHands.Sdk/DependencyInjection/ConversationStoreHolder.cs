using OpenHands.Sdk.Conversations.Persistence;

namespace OpenHands.Sdk.DependencyInjection;

/// <summary>
/// The store the registered <see cref="Conversations.ConversationFactory"/> persists conversations in, or none (memory
/// only), as one resolvable service: <c>AddOpenHands</c> registers a <see cref="FileConversationStore"/> over
/// <see cref="OpenHandsOptions.ConversationsDirectory"/> when that is set, and <c>UsePostgreSql</c> replaces it with the database's.
/// </summary>
/// <param name="Store">The store; <see langword="null"/> when conversations live in memory.</param>
public sealed record ConversationStoreHolder(IConversationStore? Store);
