using System.Globalization;
using System.Text.Json;

namespace OpenHands.Sdk.Agents.Tools.Internal;

/// <summary>
/// Reads a tool call's arguments leniently (JSON <c>null</c> counts as absent; numbers and booleans may arrive as
/// strings, lists as JSON-encoded strings, as models sometimes send them) and records the first problem in
/// <see cref="Error"/> instead of throwing.
/// </summary>
internal sealed class ToolArguments
{
    private readonly string _toolName;
    private readonly JsonElement _arguments;

    public ToolArguments(string toolName, JsonElement arguments)
    {
        _toolName = toolName;
        _arguments = arguments;
    }

    /// <summary>Gets the first problem found, phrased for the model, or <see langword="null"/>.</summary>
    public string? Error { get; private set; }

    public string? String(string name, bool required = false)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
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
        if (_arguments.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        if (required)
        {
            Error ??= $"Invalid arguments for '{_toolName}': the parameter '{name}' is required.";
        }

        return false;
    }

    private T? Fail<T>(string name, string expected, JsonElement value)
    {
        Error ??= $"Invalid arguments for '{_toolName}': the parameter '{name}' must be {expected}, not {Describe(value)}.";
        return default;
    }

    private static string Describe(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
    }
}
