using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using OpenHands.Sdk.Conversations.Events;
using Spectre.Console;

namespace OpenHands.Cli;

/// <summary>
/// Prints conversation events compactly: colours on a terminal, plain ASCII lines when stdout is redirected. A streaming
/// profile's reply is printed as it arrives (<see cref="StreamingDeltaEvent"/>s on one <c>agent&gt;</c> line), and the
/// message it makes is then not printed again.
/// </summary>
internal sealed class EventPrinter(CliIo io)
{
    private const int MaxLine = 160;
    private readonly Lock _gate = new();
    private bool _streaming;

    /// <summary>Set by the spinner: what it shows while nothing else is printed.</summary>
    public Action<string>? StatusChanged { get; set; }

    public void Print(ConversationEvent e)
    {
        lock (_gate)
        {
            if (e is StreamingDeltaEvent delta)
            {
                PrintDelta(delta);
                return;
            }

            if (_streaming)
            {
                EndStreamedLine();
                if (e is MessageEvent { Source: EventSource.Agent })
                {
                    return; // its text is on the screen already
                }
            }

            switch (e)
            {
                case MessageEvent { Source: EventSource.User } m:
                    io.Line($"user> {m.Text}", $"[bold blue]user>[/] {Markup.Escape(m.Text)}");
                    StatusChanged?.Invoke("Thinking…");
                    break;
                case MessageEvent m:
                    io.Line($"agent> {m.Text}", $"[bold green]agent>[/] {Markup.Escape(m.Text)}");
                    break;
                case ActionEvent a when a.ToolName == "finish":
                    var message = Argument(a.ToolCall.Arguments, "message") ?? string.Empty;
                    io.Line($"done> {message}", $"[bold green]done>[/] {Markup.Escape(message)}");
                    break;
                case ActionEvent a:
                    var summary = Shorten(Summarize(a.ToolName, a.ToolCall.Arguments));
                    io.Line($"  -> {a.ToolName}: {summary}", $"  [yellow]→ {Markup.Escape(a.ToolName)}[/] {Markup.Escape(summary)}");
                    StatusChanged?.Invoke($"Running {a.ToolName}…");
                    break;
                case ObservationEvent o when o.ToolName == "finish":
                    break;
                case ObservationEvent o:
                    var result = Shorten(Observation(o.Text));
                    io.Line($"  <- {(o.IsError ? "error: " : "")}{result}",
                        o.IsError ? $"  [red]← {Markup.Escape(result)}[/]" : $"  [grey]← {Markup.Escape(result)}[/]");
                    StatusChanged?.Invoke("Thinking…");
                    break;
                case AgentErrorEvent err:
                    io.Line($"  !! {err.ToolName}: {Shorten(err.Error)}", $"  [red]!! {Markup.Escape(err.ToolName)}: {Markup.Escape(Shorten(err.Error))}[/]");
                    StatusChanged?.Invoke("Thinking…");
                    break;
                case ConversationErrorEvent err:
                    io.Line($"error> {err.Code}: {Shorten(err.Detail)}", $"[bold red]error>[/] {Markup.Escape(err.Code)}: {Markup.Escape(Shorten(err.Detail))}");
                    break;
                case PauseEvent:
                    io.Line("paused.", "[yellow]paused.[/]");
                    break;
                case InterruptEvent:
                    io.Line("interrupted.", "[yellow]interrupted.[/]");
                    break;
                case ConversationStateUpdateEvent u when u.Key == ConversationStateUpdateEvent.LlmFallbackKey:
                    var fallback = Value(u.Value, CliJsonContext.Default.LlmFallbackNotice);
                    var from = fallback?.FromProfile ?? fallback?.FromModel ?? "?";
                    var to = $"{fallback?.Profile} ({fallback?.Model})";
                    io.Line($"fallback> {from} -> {to}", $"[yellow]fallback>[/] {Markup.Escape(from)} → {Markup.Escape(to)}");
                    break;
                case ConversationStateUpdateEvent u when u.Key == ConversationStateUpdateEvent.LlmProfileKey:
                    var text = Value(u.Value, CliJsonContext.Default.LlmProfileNotice)?.Name ?? u.Value.ToString();
                    io.Line($"profile> {text}", $"[grey]profile>[/] {Markup.Escape(text)}");
                    break;
            }
        }
    }

    /// <summary>Text pieces go on one line after <c>agent&gt; </c>, unchanged (reasoning is not printed).</summary>
    private void PrintDelta(StreamingDeltaEvent delta)
    {
        if (string.IsNullOrEmpty(delta.Content))
        {
            return;
        }

        if (!_streaming)
        {
            _streaming = true;
            Write("agent> ", "[bold green]agent>[/] ");
        }

        Write(delta.Content, Markup.Escape(delta.Content));
    }

    private void EndStreamedLine()
    {
        _streaming = false;
        if (io.Terminal is { } terminal)
        {
            terminal.WriteLine();
        }
        else
        {
            io.Out.WriteLine();
        }
    }

    private void Write(string plain, string markup)
    {
        if (io.Terminal is { } terminal)
        {
            terminal.Markup(markup);
        }
        else
        {
            io.Out.Write(plain);
            io.Out.Flush();
        }
    }

    /// <summary>An event's value read by its contract, or <see langword="null"/> when it has another shape (printed as far as it can be read).</summary>
    private static T? Value<T>(JsonElement value, JsonTypeInfo<T> contract)
        where T : class
    {
        try
        {
            return value.Deserialize(contract);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string Summarize(string tool, string arguments) => tool switch
    {
        "terminal" => Argument(arguments, "command") ?? arguments,
        "file_editor" => string.Join(' ', new[] { Argument(arguments, "command"), Argument(arguments, "path") }.Where(s => s is not null)),
        "think" => Argument(arguments, "thought") ?? arguments,
        _ => arguments,
    };

    private static string? Argument(string arguments, string name)
    {
        try
        {
            // The arguments object's contract; any other JSON value is a JsonException (the raw text is printed instead).
            var map = JsonSerializer.Deserialize(arguments, CliJsonContext.Default.DictionaryStringJsonElement);
            return map is not null && map.TryGetValue(name, out var v) ? v.ToString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Observation(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Trim().Split('\n');
        return lines.Length <= 1 ? lines[0] : $"{lines[0]} … (+{lines.Length - 1} lines)";
    }

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= MaxLine ? line : line[..MaxLine] + " …";
    }
}
