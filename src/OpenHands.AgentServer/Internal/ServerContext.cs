using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenHands.Sdk.DependencyInjection;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Llms.Internal;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Settings;

namespace OpenHands.AgentServer.Internal;

/// <summary>The shared SDK services a handler needs, taken from DI once per request.</summary>
internal sealed class ServerContext(HttpContext http)
{
    private readonly IServiceProvider _services = http.RequestServices;

    public HttpContext Http { get; } = http;

    public CancellationToken Aborted => Http.RequestAborted;

    public AgentServerOptions Options => _services.GetRequiredService<IOptions<AgentServerOptions>>().Value;

    public ILlmProfileStore Profiles => _services.GetRequiredService<ILlmProfileStore>();

    public SettingsStore Settings => _services.GetRequiredService<SettingsStore>();

    public ProfileMaterializer Materializer => _services.GetRequiredService<ProfileMaterializer>();

    public ProfileResolver Resolver => _services.GetRequiredService<ProfileResolver>();

    public LlmChatClientFactory ChatClients => _services.GetRequiredService<LlmChatClientFactory>();

    public Cipher? Cipher => _services.GetRequiredService<CipherHolder>().Cipher;

    public Task<System.Text.Json.JsonElement> ReadBodyAsync(bool allowEmpty = false) =>
        RequestJson.ReadObjectAsync(Http, Options.MaxRequestBodyBytes, allowEmpty);

    /// <summary>
    /// Reads an LLM from a request. A secret shaped like a Fernet token is decrypted with the server's key; one that does
    /// not decrypt is a 422 (never stored or sent to a provider as if it were the key).
    /// </summary>
    public Llm ReadLlm(System.Text.Json.JsonElement element, params string[] loc)
    {
        try
        {
            return LlmJsonCodec.Read(element, Cipher, isProfileFile: false, (field, reason) => ApiException.Validation(
                $"Field '{field}' looks like an encrypted token but cannot be decrypted with this server's key ({reason}).",
                "value_error", [.. loc, field]));
        }
        catch (LlmFormatException e)
        {
            throw ApiException.Validation($"Invalid LLM: {e.Message}", "value_error", loc);
        }
        catch (ArgumentException e)
        {
            throw ApiException.Validation($"Invalid LLM: {e.Message}", "value_error", loc);
        }
    }
}
