using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using OpenHands.Sdk.Serialization;
using OpenHands.Sdk.Serialization.Converters;

namespace OpenHands.Sdk.Agents.Tools.Internal;

/// <summary>
/// Reads a tool's parameters leniently (JSON <c>null</c> counts as absent; numbers and booleans may arrive as
/// strings, lists as JSON-encoded strings, as models sometimes send them) and records the first problem in
/// <see cref="Error"/> instead of throwing. The one reader of tool-call arguments and of tool-spec parameters.
/// </summary>
internal sealed class ToolArguments
{
    /// <summary>
    /// The contracts parameters are read by: integers and floats as the SDK's documents read them (numeric strings too),
    /// strings that may be a number's or boolean's JSON text, booleans that may be <c>"true"</c>, lists that may be
    /// JSON-encoded strings. Strict strings use the context's own contract.
    /// </summary>
    private static readonly JsonSerializerOptions Lenient = CreateLenient();

    private readonly string _subject;
    private readonly IReadOnlyDictionary<string, JsonElement> _arguments;

    /// <summary>Reads a tool call's arguments (a JSON object, as the LLM client has checked).</summary>
    public ToolArguments(string toolName, JsonElement arguments)
        : this($"Invalid arguments for '{toolName}'", arguments.Deserialize(OpenHandsJsonContext.Default.DictionaryStringJsonElement) ?? [])
    {
    }

    /// <summary>Reads named parameters, phrasing problems as <c>{subject}: the parameter ...</c>.</summary>
    public ToolArguments(string subject, IReadOnlyDictionary<string, JsonElement> arguments)
    {
        _subject = subject;
        _arguments = arguments;
    }

    /// <summary>Gets the first problem found, phrased for the model, or <see langword="null"/>.</summary>
    public string? Error { get; private set; }

    /// <summary>Reads a string; numbers and booleans count as their JSON text unless <paramref name="strict"/>.</summary>
    public string? String(string name, bool required = false, bool strict = false) =>
        Read(name, required, strict ? ToolJsonContext.Default.String : Lenient.Contract<string>(), "a string");

    public bool Boolean(string name, bool defaultValue = false) =>
        Read(name, required: false, Lenient.Contract<bool?>(), "true or false") ?? defaultValue;

    public double? Number(string name)
    {
        var number = Read(name, required: false, Lenient.Contract<double?>(), "a number");
        return number is { } n && !double.IsFinite(n) ? Fail<double?>(name, "a number", _arguments[name]) : number;
    }

    public int? Integer(string name, bool required = false) =>
        Read(name, required, Lenient.Contract<int?>(), "an integer");

    public IReadOnlyList<int>? IntegerList(string name) =>
        Read(name, required: false, Lenient.Contract<IReadOnlyList<int>>(), "a list of integers");

    /// <summary>
    /// Reads a parameter by <paramref name="contract"/>; JSON <c>null</c> counts as absent, a value the contract rejects
    /// is recorded as the problem.
    /// </summary>
    private T? Read<T>(string name, bool required, JsonTypeInfo<T> contract, string expected)
    {
        if (_arguments.TryGetValue(name, out var value))
        {
            T? result;
            try
            {
                result = value.Deserialize(contract);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
            {
                return Fail<T>(name, expected, value);
            }

            if (result is not null)
            {
                return result;
            }
        }

        if (required)
        {
            Error ??= $"{_subject}: the parameter '{name}' is required.";
        }

        return default;
    }

    /// <summary>Records that a present parameter is out of range, with the value as given.</summary>
    public void Invalid(string name, string expected) =>
        Fail<bool>(name, expected, _arguments[name]);

    private T? Fail<T>(string name, string expected, JsonElement value)
    {
        Error ??= $"{_subject}: the parameter '{name}' must be {expected}, not {Describe(value)}.";
        return default;
    }

    private static JsonSerializerOptions CreateLenient()
    {
        var options = new JsonSerializerOptions(ToolJsonContext.Default.Options) { TypeInfoResolver = ToolJsonContext.Default };
        options.Converters.Add(new LenientInt32Converter());
        options.Converters.Add(new LenientDoubleConverter());
        options.Converters.Add(new ScalarTextConverter());
        options.Converters.Add(new BooleanOrTextConverter());
        options.Converters.Add(new IntegerListOrTextConverter());
        options.MakeReadOnly();
        return options;
    }

    private static string Describe(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
    }
}
