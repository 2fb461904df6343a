using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using OpenHands.Sdk.Serialization.Documents;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The server's own source-generated System.Text.Json context, in the Python agent-server's snake_case names: the REST
/// contract (<c>OpenHands.Sdk.Wire</c>) and the documents it nests, which the server compiles in from the SDK's tree as
/// its own internal types, and the files only the server writes (<c>meta.json</c> beside a conversation, the secrets
/// file). The options with the converters are <c>OpenHandsJson</c>'s (compiled in too), made over this context.
/// </summary>
/// <remarks>The same options as the SDK's context: nulls omitted, unknown fields kept, <c>kind</c> read wherever it is.</remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true,

    // Contracts only, no generated fast-path writers: the codecs write through options with converters and contract
    // modifiers of their own (OpenHandsJson), and the writers' encoded property names (about 190) were built by the
    // context's static constructor in every fresh process, before its first read.
    GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(ImmutableDictionary<string, JsonElement>))]
[JsonSerializable(typeof(LlmDocument))]
[JsonSerializable(typeof(AgentProfileInputDocument))]
[JsonSerializable(typeof(OpenHandsAgentProfileFileDocument))]
[JsonSerializable(typeof(AcpAgentProfileFileDocument))]
[JsonSerializable(typeof(JsonElement?))]
[JsonSerializable(typeof(SettingsDocument))]
[JsonSerializable(typeof(EventKindDocument))]
[JsonSerializable(typeof(ConfirmationPolicyDocument))]
[JsonSerializable(typeof(McpConfigDocument))]
[JsonSerializable(typeof(CondenserDocument))]
[JsonSerializable(typeof(SuccessResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(ValidationErrorResponse))]
[JsonSerializable(typeof(List<ValidationItem?>))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(HealthStatus))]
[JsonSerializable(typeof(ServerInfo))]
[JsonSerializable(typeof(ProfileListResponse))]
[JsonSerializable(typeof(ProfileDetailResponse))]
[JsonSerializable(typeof(SaveProfileRequest))]
[JsonSerializable(typeof(ValidateProfileRequest))]
[JsonSerializable(typeof(RenameProfileRequest))]
[JsonSerializable(typeof(ProfileMessageResponse))]
[JsonSerializable(typeof(ActivateProfileResponse))]
[JsonSerializable(typeof(ValidateProfileResponse))]
[JsonSerializable(typeof(ProviderConnectionResponse))]
[JsonSerializable(typeof(List<ProviderConnectionResponse?>))]
[JsonSerializable(typeof(CreateProviderConnectionRequest))]
[JsonSerializable(typeof(UpdateProviderConnectionRequest))]
[JsonSerializable(typeof(LlmProfileListResponse))]
[JsonSerializable(typeof(AgentProfileListResponse))]
[JsonSerializable(typeof(AgentProfileDetailResponse))]
[JsonSerializable(typeof(AgentProfileMutationResponse))]
[JsonSerializable(typeof(AgentProfileActivateResponse))]
[JsonSerializable(typeof(RenameAgentProfileRequest))]
[JsonSerializable(typeof(AgentProfileDiagnostics))]
[JsonSerializable(typeof(LaunchedAgentProfileDocument))]
[JsonSerializable(typeof(ResolvedAgentSettings))]
[JsonSerializable(typeof(LlmProfileResponse))]
[JsonSerializable(typeof(UpsertLlmProfileRequest))]
[JsonSerializable(typeof(SetConversationLlmProfileRequest))]
[JsonSerializable(typeof(SettingsResponse))]
[JsonSerializable(typeof(SettingsPatchRequest))]
[JsonSerializable(typeof(StartConversationRequest))]
[JsonSerializable(typeof(SendMessageRequest))]
[JsonSerializable(typeof(UpdateConversationRequest))]
[JsonSerializable(typeof(SwitchProfileRequest))]
[JsonSerializable(typeof(SwitchLlmRequest))]
[JsonSerializable(typeof(ConversationInfo))]
[JsonSerializable(typeof(List<ConversationInfo?>))]
[JsonSerializable(typeof(Page<ConversationInfo>))]
[JsonSerializable(typeof(EventPage))]
[JsonSerializable(typeof(ClientFrame))]
[JsonSerializable(typeof(ServerErrorFrame))]
[JsonSerializable(typeof(EventStamp))]
[JsonSerializable(typeof(ConfirmationPolicyRequest))]
[JsonSerializable(typeof(SecurityAnalyzerRequest))]
[JsonSerializable(typeof(ConfirmationResponseRequest))]
[JsonSerializable(typeof(UpdateSecretsRequest))]
[JsonSerializable(typeof(SecretSourceDocument))]
[JsonSerializable(typeof(AskAgentRequest))]
[JsonSerializable(typeof(AgentResponse))]
[JsonSerializable(typeof(ForkConversationRequest))]
[JsonSerializable(typeof(McpTestRequest))]
[JsonSerializable(typeof(McpTestResponse))]
[JsonSerializable(typeof(ExecuteBashRequest))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(BashEvent))]
[JsonSerializable(typeof(List<BashEvent?>))]
[JsonSerializable(typeof(BashEventPage))]
[JsonSerializable(typeof(ClearBashEventsResponse))]
[JsonSerializable(typeof(SubdirectoryPage))]
[JsonSerializable(typeof(HomeResponse))]
[JsonSerializable(typeof(List<GitChange>))]
[JsonSerializable(typeof(GitDiff))]
[JsonSerializable(typeof(GitCommitsPage))]
[JsonSerializable(typeof(ArchiveManifest))]
[JsonSerializable(typeof(OpenAiModelList))]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ChatCompletionResponse))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(OpenAiErrorResponse))]
[JsonSerializable(typeof(ProvidersResponse))]
[JsonSerializable(typeof(ModelsResponse))]
[JsonSerializable(typeof(SettingsSchemaResponse))]
[JsonSerializable(typeof(SecretsListResponse))]
[JsonSerializable(typeof(SecretCreateRequest))]
[JsonSerializable(typeof(DeletedResponse))]
[JsonSerializable(typeof(SecretsFileDocument))]
[JsonSerializable(typeof(ConversationMetaDocument))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;
