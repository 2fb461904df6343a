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
    public static (int Status, ApiException Error)? Map(Exception exception) => exception switch
    {
        ApiException api => (api.StatusCode, api),
        ProfileNotFoundException e => Of(404, e.Message),
        ProfileAlreadyExistsException e => Of(409, e.Message),
        ProfileLimitExceededException e => Of(409, $"Profile limit reached ({e.Limit}). Delete a profile before saving a new one."),
        InvalidProfileNameException e => (422, ApiException.Validation(e.Message, "value_error", "path", "name")),
        InvalidProfileException e => Of(400, e.Message),
        SecretDecryptionException e => Of(400, e.Message),
        InvalidSettingsException e => Of(409, "Settings file is corrupted or encrypted with a different key: " + e.Message),
        StoreBusyException => Of(503, "Profile store is busy. Please retry."),
        OpenHands.Sdk.Conversations.InvalidConversationException e => Of(409, e.Message),
        BadHttpRequestException e => Of(e.StatusCode, e.Message),
        JsonException e => (422, ApiException.Validation("Invalid JSON: " + e.Message, "json_invalid", "body")),
        _ => null,
    };

    private static (int, ApiException) Of(int status, string message) => (status, new ApiException(status, message));
}
