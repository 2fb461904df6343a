using System.Collections.Concurrent;

namespace OpenHands.Remote.Tests.Support;

/// <summary>Records every request the client sends (every attempt, websocket upgrades included): URL, headers, body.</summary>
public sealed class RecordingHandler : DelegatingHandler
{
    private readonly ConcurrentQueue<SentRequest> _requests = new();

    public IReadOnlyList<SentRequest> Requests => [.. _requests];

    public void Clear() => _requests.Clear();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.Select(h => $"{h.Key}: {string.Join(", ", h.Value)}").ToList();
        var body = string.Empty;
        if (request.Content is not null)
        {
            headers.AddRange(request.Content.Headers.Select(h => $"{h.Key}: {string.Join(", ", h.Value)}"));
            body = await request.Content.ReadAsStringAsync(cancellationToken);
        }

        _requests.Enqueue(new SentRequest(request.Method.Method, request.RequestUri!, headers, body));
        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>One request as it left the client.</summary>
public sealed record SentRequest(string Method, Uri Uri, IReadOnlyList<string> Headers, string Body)
{
    public string Path => Uri.AbsolutePath;

    public string Text => $"{Method} {Uri}\n{string.Join("\n", Headers)}\n\n{Body}";

    public string? Header(string name) =>
        Headers.FirstOrDefault(h => h.StartsWith(name + ": ", StringComparison.OrdinalIgnoreCase))?[(name.Length + 2)..];

    public override string ToString() => $"{Method} {Uri.PathAndQuery}";
}
