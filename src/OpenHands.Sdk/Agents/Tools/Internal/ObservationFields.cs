using System.Collections.Immutable;
using System.Text.Json;

namespace OpenHands.Sdk.Agents.Tools.Internal;

/// <summary>Builds the extra fields of a persisted observation payload.</summary>
internal sealed class ObservationFields
{
    private readonly ImmutableDictionary<string, JsonElement>.Builder _fields =
        ImmutableDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);

    public ObservationFields Add(string name, string? value)
    {
        if (value is not null)
        {
            _fields[name] = JsonSerializer.SerializeToElement(value, ToolJsonContext.Default.String);
        }

        return this;
    }

    public ObservationFields Add(string name, int value)
    {
        _fields[name] = JsonSerializer.SerializeToElement(value, ToolJsonContext.Default.Int32);
        return this;
    }

    public ObservationFields Add(string name, bool value)
    {
        _fields[name] = JsonSerializer.SerializeToElement(value, ToolJsonContext.Default.Boolean);
        return this;
    }

    public ImmutableDictionary<string, JsonElement> Build() => _fields.ToImmutable();
}
