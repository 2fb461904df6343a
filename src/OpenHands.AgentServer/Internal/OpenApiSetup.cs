using System.Reflection;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using OpenHands.Sdk.Security;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The OpenAPI document (<c>/openapi.json</c>, <c>/openapi/v1.json</c>): built by the framework from the typed routes;
/// these transformers add what it cannot know: the title, the session-key scheme, secrets as strings, and the websocket.
/// </summary>
internal static class OpenApiSetup
{
    public const string DocumentName = "v1";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "OpenHands agent server (.NET)",
                Version = typeof(OpenApiSetup).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "1",
                Description = "LLM profiles, settings and conversations, wire-compatible with the OpenHands agent-server. "
                    + "Conversations hold a profile reference, never a key. Errors: {\"detail\": \"...\"}; validation errors in FastAPI's "
                    + "shape {\"detail\": [{\"loc\", \"msg\", \"type\"}]}.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SessionKeyAuthenticationHandler.Scheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = SessionKeyCheck.HeaderName,
                Description = "One of the server's session API keys (required only when keys are configured).",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SessionKeyAuthenticationHandler.Scheme, document)] = [] });
            document.Paths ??= [];
            document.Paths["/sockets/events/{conversation_id}"] = SocketPath();
            document.Paths["/sockets/bash-events"] = BashSocketPath();
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<WireBodyMetadata>().FirstOrDefault() is { } body)
            {
                // A named component, so generated clients get a type of that name (SaveProfileRequest, …).
                var schema = await context.GetOrCreateSchemaAsync(body.Type, null, cancellationToken).ConfigureAwait(false);
                IOpenApiSchema content = schema;
                if (context.Document is { } document)
                {
                    document.Components ??= new OpenApiComponents();
                    document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
                    document.Components.Schemas.TryAdd(body.Type.Name, schema);
                    content = new OpenApiSchemaReference(body.Type.Name, document);
                }

                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = !body.Optional,
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = content } },
                };
            }
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<FileUploadMetadata>().FirstOrDefault() is { } upload)
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["multipart/form-data"] = new()
                        {
                            Schema = new OpenApiSchema
                            {
                                Type = JsonSchemaType.Object,
                                Required = new HashSet<string> { upload.Field },
                                Properties = new Dictionary<string, IOpenApiSchema> { [upload.Field] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                            },
                        },
                    },
                };
            }

            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonTypeInfo.Type == typeof(SecretString))
            {
                schema.Type = JsonSchemaType.String | JsonSchemaType.Null;
                schema.Description = "A secret: plaintext in requests; in answers \"**********\", null or a Fernet token, as X-Expose-Secrets says.";
            }

            return Task.CompletedTask;
        });
    }

    private static OpenApiPathItem BashSocketPath() => SocketOperation(
        "Websocket: bash events, live",
        "Upgrade to a websocket. Frames are bash events as JSON (BashCommand, BashOutput, BashError); with resend_mode=all the stored "
            + "events come first. A client frame is an ExecuteBashRequest ({command, cwd?, timeout?}) that starts a command; a refused frame "
            + "is answered with a BashError. Authentication as /sockets/events. Close codes: 4001 authentication failed, 1013 too many "
            + "subscribers, 1008 bad query.",
        [new OpenApiParameter { Name = "resend_mode", In = ParameterLocation.Query, Schema = new OpenApiSchema { Type = JsonSchemaType.String } }]);

    private static OpenApiPathItem SocketOperation(string summary, string description, List<IOpenApiParameter> parameters) => new()
    {
        Operations = new Dictionary<HttpMethod, OpenApiOperation>
        {
            [HttpMethod.Get] = new OpenApiOperation
            {
                Summary = summary,
                Description = description,
                Tags = new HashSet<OpenApiTagReference> { new("sockets") },
                Parameters = parameters,
                Responses = new OpenApiResponses
                {
                    ["101"] = new OpenApiResponse { Description = "Switching protocols: the event stream." },
                    ["400"] = new OpenApiResponse { Description = "Not a websocket request." },
                },
            },
        },
    };

    private static OpenApiPathItem SocketPath() => SocketOperation(
        "Websocket: a conversation's events, live",
        "Upgrade to a websocket. The first frame is a ConversationStateUpdateEvent (key full_state), then events as JSON. "
            + "Query: resend_mode=all|since, after_timestamp (ISO-8601, for since), deprecated session_api_key. Without a key in the "
            + "header or query, the first frame must be {\"type\":\"auth\",\"session_api_key\":\"...\"}. A client frame is a user message "
            + "(role, content) that starts a run; a refused frame is answered with a ServerErrorEvent and the socket stays open. "
            + "Close codes: 4001 authentication failed, 4004 conversation not found or deleted, 1013 too many subscribers, 1008 bad query.",
        [
            new OpenApiParameter { Name = "conversation_id", In = ParameterLocation.Path, Required = true, Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" } },
            new OpenApiParameter { Name = "resend_mode", In = ParameterLocation.Query, Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
            new OpenApiParameter { Name = "after_timestamp", In = ParameterLocation.Query, Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" } },
        ]);
}
