using System.Collections.Immutable;
using System.Text.Json;
using OpenHands.Sdk.Conversations.Events;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Settings;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Internal;

/// <summary>
/// The one-time work of a fresh process's first requests, done once at start on samples made in memory: the profile
/// file codec (summary and full read, with the server's cipher), the event codec for the kinds a conversation stores most,
/// the settings codec and the listing's response. Nothing here reads or writes a file; every sample is built here.
/// </summary>
/// <remarks>
/// What it saves is the building of the JSON contracts (the LLM document's 56 fields among them) and the first,
/// unoptimized compilation of the code that reads and writes them, which the first listing, the first conversation
/// restore and the first settings read would otherwise pay.
/// </remarks>
internal static class WarmupSamples
{
    private const string Location = "the agent server's start-up sample (in memory)";

    public static void Run(Cipher? cipher, CancellationToken cancellationToken)
    {
        Profiles(cipher);
        cancellationToken.ThrowIfCancellationRequested();
        Events();
        cancellationToken.ThrowIfCancellationRequested();
        Settings();
        cancellationToken.ThrowIfCancellationRequested();
        Responses();
    }

    /// <summary>A profile as the store writes it (its key encrypted when the server has a cipher), read as a listing and as a load do.</summary>
    private static void Profiles(Cipher? cipher)
    {
        var name = ProfileName.Create("warm-up-sample");
        var llm = new Llm("openai/gpt-4o")
        {
            ApiKey = new SecretString("warm-up-sample-key"),
            BaseUrl = "https://llm.invalid/v1",
            Temperature = 0.2,
            MaxOutputTokens = 4096,
        };
        var bytes = LlmJson.ToProfileDocument(llm, cipher is null ? SecretExposure.Plaintext : SecretExposure.Encrypted, cipher);
        _ = LlmJson.ReadProfileSummary(bytes, name, Location);
        _ = LlmJson.ReadProfileDocument(bytes, name, cipher, Location);
    }

    /// <summary>Each common event kind written and read back, as an append and a restore do.</summary>
    private static void Events()
    {
        var time = DateTimeOffset.UnixEpoch;
        ConversationEvent[] samples =
        [
            new SystemPromptEvent { Timestamp = time, Source = EventSource.Agent, SystemPrompt = "You are a helpful agent." },
            new MessageEvent { Timestamp = time, Source = EventSource.User, Role = "user", Text = "List the files." },
            new ActionEvent
            {
                Timestamp = time,
                Source = EventSource.Agent,
                Thought = "Listing the files.",
                ToolName = "terminal",
                ToolCallId = "call_warm_up",
                ToolCall = new ToolCallRecord("call_warm_up", "terminal", """{"command":"ls"}"""),
                LlmResponseId = "response_warm_up",
                Action = Element("""{"command":"ls","kind":"TerminalAction"}"""),
            },
            new ObservationEvent
            {
                Timestamp = time,
                Source = EventSource.Environment,
                ToolName = "terminal",
                ToolCallId = "call_warm_up",
                ActionId = "action_warm_up",
                ObservationKind = "TerminalObservation",
                Text = "README.md",
                ObservationFields = ImmutableDictionary<string, JsonElement>.Empty
                    .Add("command", Element("\"ls\""))
                    .Add("exit_code", Element("0"))
                    .Add("metadata", Element("""{"exit_code":0,"pid":-1,"working_dir":"/workspace"}""")),
            },
            new MessageEvent { Timestamp = time, Source = EventSource.Agent, Role = "assistant", Text = "One file: README.md." },
        ];
        foreach (var sample in samples)
        {
            using var document = JsonDocument.Parse(EventJson.ToUtf8Bytes(sample));
            _ = EventJson.Read(document.RootElement);
        }
    }

    /// <summary>Default settings written and read back, as the settings routes and a conversation start do.</summary>
    private static void Settings() => _ = SettingsJson.ReadDocument(SettingsJson.Write(new PersistedSettings()), Location);

    /// <summary>The profile listing's answer for one profile.</summary>
    private static void Responses()
    {
        var listing = new ProfileListResponse
        {
            Profiles = [new ProfileSummaryItem { Name = "warm-up-sample", Model = "openai/gpt-4o", ApiKeySet = true }],
            ActiveProfile = "warm-up-sample",
        };
        _ = WireBytes<ProfileListResponse>.Of(listing);
    }

    private static JsonElement Element(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
