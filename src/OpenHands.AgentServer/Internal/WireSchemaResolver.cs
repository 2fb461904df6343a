using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using OpenHands.Sdk.Serialization;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// Gives the app's JSON options (which the OpenAPI generator reads) the wire's contracts with their snake_case names,
/// for the wire's types only (<c>OpenHands.Sdk.Wire</c> and the documents they hold).
/// </summary>
internal sealed class WireSchemaResolver : IJsonTypeInfoResolver
{
    private static readonly IJsonTypeInfoResolver Contracts = ServerJsonContext.Default;

    public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options)
    {
        if (type.Namespace is not ("OpenHands.Sdk.Wire" or "OpenHands.Sdk.Serialization.Documents"))
        {
            return null;
        }

        var info = Contracts.GetTypeInfo(type, options);
        if (info is { Kind: JsonTypeInfoKind.Object })
        {
            foreach (var property in info.Properties)
            {
                if (property.AttributeProvider is MemberInfo member && member.GetCustomAttribute<JsonPropertyNameAttribute>() is null)
                {
                    property.Name = JsonNamingPolicy.SnakeCaseLower.ConvertName(member.Name);
                }
            }
        }

        return info;
    }
}
