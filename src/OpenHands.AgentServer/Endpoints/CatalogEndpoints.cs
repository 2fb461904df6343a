using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Conversations;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Converters;
using OpenHands.Sdk.Serialization.Documents;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary>
/// What a client reads to fill its forms: <c>/api/llm/providers</c> and <c>/api/llm/models</c> (the built-in chat-client
/// providers and the stored profiles' models), <c>/api/tools/</c> (the tool registry) and the settings schemas
/// (generated from the very types <c>settings.json</c> is read with).
/// </summary>
internal static class CatalogEndpoints
{
    private static readonly Lazy<JsonNode> AgentSchema = new(() => SchemaOf<AgentSettingsDocument>());
    private static readonly Lazy<JsonNode> ConversationSchema = new(() => SchemaOf<ConversationSettingsDocument>());

    public static void Map(RouteGroupBuilder api)
    {
        var llm = api.MapGroup("/llm").WithTags("llm");
        llm.MapGet("/providers", ProvidersAsync).Errors(400, 503);
        llm.MapGet("/models", ModelsAsync).Errors(400, 503);
        api.MapGet("/tools/", (ConversationFactory factory) => new WireOk<List<string>>([.. factory.ToolRegistry.Names])).WithTags("tools");
        var settings = api.MapGroup("/settings").WithTags("settings");
        settings.MapGet("/agent-schema", () => new WireOk<SettingsSchemaResponse>(new() { ModelName = "AgentSettings", Schema = AgentSchema.Value.DeepClone() }));
        settings.MapGet("/conversation-schema", () => new WireOk<SettingsSchemaResponse>(new() { ModelName = "ConversationSettings", Schema = ConversationSchema.Value.DeepClone() }));
    }

    private static async Task<WireOk<ProvidersResponse>> ProvidersAsync(ILlmProfileStore profiles, CancellationToken cancellationToken)
    {
        var fromProfiles = (await profiles.ListSummariesAsync(cancellationToken).ConfigureAwait(false))
            .Select(p => p.Model is { } model ? LlmProviders.ProviderOf(model) : null).OfType<string>();
        return new(new ProvidersResponse { Providers = [.. LlmProviders.BuiltIn.Concat(fromProfiles).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)] });
    }

    private static async Task<WireOk<ModelsResponse>> ModelsAsync([FromQuery] string? provider, ILlmProfileStore profiles, CancellationToken cancellationToken)
    {
        var models = (await profiles.ListSummariesAsync(cancellationToken).ConfigureAwait(false))
            .Select(p => p.Model).OfType<string>()
            .Where(m => provider is null || LlmProviders.ProviderOf(m) == provider);
        return new(new ModelsResponse { Models = [.. models.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)] });
    }

    /// <summary>
    /// The JSON Schema of a settings type, from its source-generated contract (snake_case names, its own converters).
    /// The context's own options, not the codecs': those add converters for every string and number (NUL and range
    /// checks), which the exporter could only describe as "any value".
    /// </summary>
    private static JsonNode SchemaOf<T>() =>
        JsonSchemaExporter.GetJsonSchemaAsNode(ServerJsonContext.Default.GetTypeInfo(typeof(T))!, new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,

            // An enum written by name through its converter: the names it accepts.
            TransformSchemaNode = static (context, node) => context.PropertyInfo?.CustomConverter is IEnumNames named
                ? new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. named.Names.Select(n => JsonValue.Create(n))]) }
                : node,
        });
}
