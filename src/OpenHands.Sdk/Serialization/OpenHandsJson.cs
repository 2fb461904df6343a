using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Serialization.Converters;
using OpenHands.Sdk.Serialization.Documents;

namespace OpenHands.Sdk.Serialization;

/// <summary>
/// The options every codec reads and writes with: the contracts of this assembly's source-generated context
/// (<see cref="Context"/>), the shared converters (lenient numbers, strict strings and booleans, ordinal maps) and one way
/// of writing secrets per instance.
/// </summary>
/// <remarks>
/// Secrets are written redacted unless a codec asks for plaintext or for Fernet tokens of a given <see cref="Cipher"/>,
/// so a document written with the default options never holds a secret (fails closed). Instances are read-only and
/// cached: two per exposure, and two per cipher for encryption. This file is compiled into the agent server too, with the
/// documents and the REST contract; each assembly gives <see cref="Context"/> its own context (the SDK's is
/// <c>OpenHandsJsonContext</c>, in <c>OpenHandsJson.Context.cs</c>).
/// </remarks>
internal static partial class OpenHandsJson
{
    private static readonly IJsonTypeInfoResolver Resolver = Context
        .WithAddedModifier(ReportSetterErrors)
        .WithAddedModifier(LlmDocument.ApplyWriteRules)
        .WithAddedModifier(EventKinds.ApplyPolymorphism);

    private static readonly ConditionalWeakTable<Cipher, JsonSerializerOptions[]> Encrypting = [];

    /// <summary>Gets the source-generated context of this assembly, whose contracts the options use (snake_case, nulls omitted).</summary>
    internal static partial JsonSerializerContext Context { get; }

    // Each made on first use (a fresh process that only replays events makes one of them, not four).

    /// <summary>Gets compact options that write secrets as <c>**********</c>: events, conversation state, responses.</summary>
    public static JsonSerializerOptions Redacted => LazyInitializer.EnsureInitialized(ref field, static () => Create(SecretExposure.Redacted, null, indented: false));

    /// <summary>Gets indented options (two spaces, <c>\n</c>) that write secrets as <c>**********</c>: <c>settings.json</c>.</summary>
    public static JsonSerializerOptions RedactedIndented => LazyInitializer.EnsureInitialized(ref field, static () => Create(SecretExposure.Redacted, null, indented: true));

    private static JsonSerializerOptions PlaintextCompact => LazyInitializer.EnsureInitialized(ref field, static () => Create(SecretExposure.Plaintext, null, indented: false));

    private static JsonSerializerOptions PlaintextIndented => LazyInitializer.EnsureInitialized(ref field, static () => Create(SecretExposure.Plaintext, null, indented: true));

    /// <summary>The options that write secrets as <paramref name="exposure"/> says.</summary>
    /// <exception cref="InvalidOperationException"><see cref="SecretExposure.Encrypted"/> without a cipher.</exception>
    public static JsonSerializerOptions For(SecretExposure exposure, Cipher? cipher, bool indented) => exposure switch
    {
        SecretExposure.Plaintext => indented ? PlaintextIndented : PlaintextCompact,
        SecretExposure.Encrypted => Encrypting.GetValue(
            cipher ?? throw new InvalidOperationException(
                "Secrets cannot be written encrypted: no cipher is configured. Set OH_SECRET_KEY (or OpenHandsOptions.SecretKey)."),
            static c => [Create(SecretExposure.Encrypted, c, indented: false), Create(SecretExposure.Encrypted, c, indented: true)])[indented ? 1 : 0],
        _ => indented ? RedactedIndented : Redacted,
    };

    /// <summary>The contract of <typeparamref name="T"/> in <paramref name="options"/>.</summary>
    public static JsonTypeInfo<T> Contract<T>(this JsonSerializerOptions options) => (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));

    private static JsonSerializerOptions Create(SecretExposure exposure, Cipher? cipher, bool indented)
    {
        var options = new JsonSerializerOptions(Context.Options)
        {
            TypeInfoResolver = Resolver,
            WriteIndented = indented,
            NewLine = "\n",
        };
        options.Converters.Add(new LenientInt32Converter());
        options.Converters.Add(new LenientInt64Converter());
        options.Converters.Add(new LenientDoubleConverter());
        options.Converters.Add(new StrictStringConverter());
        options.Converters.Add(new StrictBooleanConverter());
        options.Converters.Add(new OrdinalMapConverter());
        options.Converters.Add(new SecretStringConverter(exposure, cipher));
        options.Converters.Add(new ExtraHeadersConverter(exposure, cipher));

        // The enums' Python names, which their one property each also names: registered here too, so that building a
        // contract does not first build System.Text.Json's own converter for the enum (its names and caches), which the
        // property's converter then replaces (several ms per enum in a fresh process's first read).
        options.Converters.Add(EventSourceConverter.Instance);
        options.Converters.Add(ExecutionStatusConverter.Instance);
        options.Converters.Add(new LlmAuthTypeConverter());
        options.Converters.Add(new LlmApiModeConverter());
        options.Converters.Add(new AgentKindConverter());
        options.MakeReadOnly();
        return options;
    }

    /// <summary>
    /// A document's setter that rejects a value (a negative retry count, a blank usage id) throws an
    /// <see cref="ArgumentException"/>; turned into a <see cref="JsonFieldException"/>, it gets the path of the field.
    /// </summary>
    private static void ReportSetterErrors(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object || info.Type.Namespace != typeof(LlmDocument).Namespace)
        {
            return;
        }

        foreach (var property in info.Properties)
        {
            if (property.Set is { } set && !property.IsExtensionData)
            {
                property.Set = (target, value) =>
                {
                    try
                    {
                        set(target, value);
                    }
                    catch (ArgumentException ex)
                    {
                        throw new JsonFieldException(ex is ArgumentNullException ? "must not be null" : Problem(ex), ex);
                    }
                };
            }
        }
    }

    private static string Problem(ArgumentException ex)
    {
        var message = ex.Message;
        var end = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        message = end > 0 ? message[..end] : message;
        return (ex is ArgumentOutOfRangeException ? "is out of range: " : "is not valid: ") + message;
    }
}
