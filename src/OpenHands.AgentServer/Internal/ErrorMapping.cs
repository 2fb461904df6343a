using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OpenHands.Sdk;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Settings;

namespace OpenHands.AgentServer.Internal;

/// <summary>The one mapping of exceptions to status codes (DESIGN §7): not found 404, invalid 422/400, conflict 409, busy 503.</summary>
internal static class ErrorMapping
{
    public static ApiException? Map(Exception exception) => exception switch
    {
        ApiException api => api,
        ProfileNotFoundException e => new(404, e.Message),
        AgentProfileNotFoundException e => new(404, e.Message),
        AgentProfileAlreadyExistsException e => new(409, e.Message),
        LlmProfileInUseException e => new(409, e.Message),
        InvalidAgentProfileException => new(422, "Invalid agent profile"),
        ProfileAlreadyExistsException e => new(409, e.Message),
        ProfileLimitExceededException e => new(409, e.ProfileName is null ? e.Message : $"Profile limit reached ({e.Limit}). Delete a profile before saving a new one."),
        ProviderConnectionNotFoundException { ProfileName: null } e => new(404, e.Message),
        ProviderConnectionNotFoundException e => new(422, e.Message),   // a profile links to a missing connection
        ProviderConnectionInUseException e => new(409, e.Message),
        InvalidProviderConnectionsException e => new(400, e.Message),
        InvalidProfileNameException e => ApiException.Validation(e.Message, "value_error", "path", "name"),
        InvalidProfileException e => new(400, e.Message),
        SecretDecryptionException e => new(400, e.Message),
        InvalidSettingsException e => new(409, "Settings file is corrupted or encrypted with a different key: " + e.Message),
        StoreBusyException => new(503, "Profile store is busy. Please retry."),
        StoreConflictException e => new(409, e.Message),
        OpenHands.Sdk.Conversations.InvalidConversationException e => new(409, e.Message),
        InvalidSecretsFileException e => new(409, e.Message),
        BadHttpRequestException e => new(e.StatusCode, e.Message),
        JsonException e => BodyText.Problem(e),
        _ => null,
    };
}
