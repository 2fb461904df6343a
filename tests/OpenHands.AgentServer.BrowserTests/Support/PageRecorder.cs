using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace OpenHands.AgentServer.BrowserTests.Support;

/// <summary>
/// Everything a page received and sent that a test checks for leaks: every response (URL, headers, body), every
/// request's headers, every websocket frame, and console errors (a CSP violation is one).
/// </summary>
internal sealed class PageRecorder
{
    private readonly ConcurrentQueue<Task> _pending = new();

    public PageRecorder(IPage page)
    {
        page.Response += (_, response) => _pending.Enqueue(RecordAsync(response));
        page.Request += (_, request) => _pending.Enqueue(RecordAsync(request));
        page.WebSocket += (_, socket) =>
        {
            socket.FrameReceived += (_, frame) => FramesReceived.Enqueue(frame.Text ?? string.Empty);
            socket.FrameSent += (_, frame) => FramesSent.Enqueue(frame.Text ?? string.Empty);
        };
        page.Console += (_, message) =>
        {
            // The console's first call has no key and is answered 401 (that is how it learns it must ask for one).
            if (message.Type == "error" && !message.Text.Contains("status of 401", StringComparison.Ordinal))
            {
                ConsoleErrors.Enqueue(message.Text);
            }
        };
        page.PageError += (_, error) => ConsoleErrors.Enqueue(error);
    }

    public ConcurrentQueue<(string Url, int Status, IReadOnlyDictionary<string, string> Headers, string Body)> Responses { get; } = new();

    public ConcurrentQueue<(string Url, IReadOnlyDictionary<string, string> Headers)> Requests { get; } = new();

    public ConcurrentQueue<string> FramesReceived { get; } = new();

    public ConcurrentQueue<string> FramesSent { get; } = new();

    public ConcurrentQueue<string> ConsoleErrors { get; } = new();

    /// <summary>Waits for the bodies of the responses seen so far.</summary>
    public async Task SettleAsync()
    {
        while (_pending.TryDequeue(out var task))
        {
            await task;
        }
    }

    private async Task RecordAsync(IRequest request)
    {
        try
        {
            Requests.Enqueue((request.Url, await request.AllHeadersAsync()));
        }
        catch (PlaywrightException)
        {
            Requests.Enqueue((request.Url, request.Headers));
        }
    }

    private async Task RecordAsync(IResponse response)
    {
        string body;
        try
        {
            body = response.Status is >= 300 and < 400 ? string.Empty : await response.TextAsync();
        }
        catch (PlaywrightException e)
        {
            body = $"(body unavailable: {e.Message})";
        }

        Responses.Enqueue((response.Url, response.Status, response.Headers, body));
    }
}
