using System.Globalization;
using System.Text.Json;
using OpenHands.Sdk.Serialization;

namespace OpenHands.Sdk.Agents.Tools.Internal;

/// <summary>
/// Reads a tool's parameters leniently (JSON <c>null</c> counts as absent; numbers and booleans may arrive as
/// strings, lists as JSON-encoded strings, as models sometimes send them) and records the first problem in
/// <see cref="Error"/> instead of throwing. The one reader of tool-call arguments and of tool-spec parameters.
/// </summary>
internal sealed class ToolArguments
{
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
    public string? String(string name, bool required = false, bool strict = false)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False when !strict => value.GetRawText(),
            _ => Fail<string>(name, "a string", value),
        };
    }

    public bool Boolean(string name, bool defaultValue = false)
    {
        if (!TryGet(name, required: false, out var value))
        {
            return defaultValue;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.GetString(), out var parsed) => parsed,
            _ => Fail<bool>(name, "true or false", value),
        };
    }

    public double? Number(string name)
    {
        if (!TryGet(name, required: false, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number))
        {
            return number;
        }

        if (value.ValueKind == JsonValueKind.String
            && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number)
            && double.IsFinite(number))
        {
            return number;
        }

        return Fail<double?>(name, "a number", value);
    }

    public int? Integer(string name, bool required = false)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }

        if (value.ValueKind == JsonValueKind.String
            && int.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }

        return Fail<int?>(name, "an integer", value);
    }

    public IReadOnlyList<int>? IntegerList(string name)
    {
        if (!TryGet(name, required: false, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            // A list encoded as a JSON string, for example "[1, 20]".
            try
            {
                using var document = JsonDocument.Parse(value.GetString() ?? string.Empty);
                return ReadList(name, document.RootElement);
            }
            catch (JsonException)
            {
                return Fail<IReadOnlyList<int>?>(name, "a list of integers", value);
            }
        }

        return ReadList(name, value);
    }

    private IReadOnlyList<int>? ReadList(string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return Fail<IReadOnlyList<int>?>(name, "a list of integers", value);
        }

        var list = new List<int>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var number))
            {
                return Fail<IReadOnlyList<int>?>(name, "a list of integers", value);
            }

            list.Add(number);
        }

        return list;
    }

    private bool TryGet(string name, bool required, out JsonElement value)
    {
        if (_arguments.TryGetValue(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        if (required)
        {
            Error ??= $"{_subject}: the parameter '{name}' is required.";
        }

        return false;
    }

    /// <summary>Records that a present parameter is out of range, with the value as given.</summary>
    public void Invalid(string name, string expected) =>
        Fail<bool>(name, expected, _arguments[name]);

    private T? Fail<T>(string name, string expected, JsonElement value)
    {
        Error ??= $"{_subject}: the parameter '{name}' must be {expected}, not {Describe(value)}.";
        return default;
    }

    private static string Describe(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
    }
}
