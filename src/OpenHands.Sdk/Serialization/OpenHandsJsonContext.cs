using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using OpenHands.Sdk.Conversations.Internal;
using OpenHands.Sdk.Serialization.Documents;
using OpenHands.Sdk.Wire;

namespace OpenHands.Sdk.Serialization;

/// <summary>
/// The one source-generated System.Text.Json context of the SDK: every persisted and wire shape (LLM profiles,
/// settings, conversation state, events) is a contract registered here, in the Python SDK's snake_case names.
/// </summary>
/// <remarks>
/// Unknown fields survive a round trip through <c>[JsonExtensionData]</c> on each contract. Python writes the event
/// discriminator <c>kind</c> last, hence <see cref="JsonSourceGenerationOptionsAttribute.AllowOutOfOrderMetadataProperties"/>.
/// Policies that depend on the caller (how secrets are written) live in converters added to the options, not in
/// attributes on public types: codecs use <see cref="OpenHandsJson"/>'s options, not this context's own.
/// </remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true,

    // Contracts only, no generated fast-path writers: the codecs write through options with converters and contract
    // modifiers of their own (OpenHandsJson), and the writers' encoded property names (about 190) were built by the
    // context's static constructor in every fresh process, before its first read.
    GenerationMode = JsonSourceGenerationMode.Metadata)]

// --- values shared by every part ---
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

// --- LLM, profiles, security ---
[JsonSerializable(typeof(LlmDocument))]
[JsonSerializable(typeof(OpenHands.Sdk.Llms.Clients.Internal.ProviderErrorDocument))]
[JsonSerializable(typeof(OpenHands.Sdk.Llms.Clients.Internal.ProviderErrorDetailDocument))]
[JsonSerializable(typeof(OpenHands.Sdk.Llms.Clients.Internal.ChatCompletionsReplyDocument))]
[JsonSerializable(typeof(OpenHands.Sdk.Llms.Clients.Internal.AnthropicReplyDocument))]
[JsonSerializable(typeof(List<OpenHands.Sdk.Llms.Clients.Internal.ContentPartDocument>))]
[JsonSerializable(typeof(ProviderConnectionsDocument))]

// --- agent profiles ---
[JsonSerializable(typeof(AgentProfileInputDocument))]
[JsonSerializable(typeof(OpenHandsAgentProfileFileDocument))]
[JsonSerializable(typeof(AcpAgentProfileFileDocument))]
[JsonSerializable(typeof(JsonElement?))]

// --- settings ---
[JsonSerializable(typeof(SettingsDocument))]
[JsonSerializable(typeof(AgentContextDocument))]

// --- conversations, events ---
[JsonSerializable(typeof(ConversationStateDocument))]
[JsonSerializable(typeof(EventDocument))]
[JsonSerializable(typeof(EventKindDocument))]
[JsonSerializable(typeof(SystemPromptEventDocument))]
[JsonSerializable(typeof(MessageEventDocument))]
[JsonSerializable(typeof(ActionEventDocument))]
[JsonSerializable(typeof(ObservationEventDocument))]
[JsonSerializable(typeof(AgentErrorEventDocument))]
[JsonSerializable(typeof(ConversationErrorEventDocument))]
[JsonSerializable(typeof(ConversationStateUpdateEventDocument))]
[JsonSerializable(typeof(PauseEventDocument))]
[JsonSerializable(typeof(InterruptEventDocument))]
[JsonSerializable(typeof(StreamingDeltaEventDocument))]
[JsonSerializable(typeof(UserRejectObservationDocument))]
[JsonSerializable(typeof(CondensationDocument))]
[JsonSerializable(typeof(CondensationRequestDocument))]
[JsonSerializable(typeof(ToolDefinition))]
[JsonSerializable(typeof(ConfirmationPolicyDocument))]
[JsonSerializable(typeof(SecretRegistryDocument))]
[JsonSerializable(typeof(McpConfigDocument))]
[JsonSerializable(typeof(CondenserDocument))]
[JsonSerializable(typeof(Dictionary<string, McpServerDocument>))]
[JsonSerializable(typeof(LlmProfileUpdate))]
[JsonSerializable(typeof(LlmFallbackUpdate))]

// --- the REST contract of the agent server (OpenHands.Sdk.Wire), shared by the server and the remote client ---
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

// --- the workspace routes (bash, files, git) ---
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
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(SettingsSchemaResponse))]
[JsonSerializable(typeof(SecretsListResponse))]
[JsonSerializable(typeof(SecretCreateRequest))]
[JsonSerializable(typeof(DeletedResponse))]
[JsonSerializable(typeof(SecretsFileDocument))]

internal sealed partial class OpenHandsJsonContext : JsonSerializerContext;
