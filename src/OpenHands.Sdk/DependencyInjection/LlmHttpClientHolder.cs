namespace OpenHands.Sdk.DependencyInjection;

/// <summary>
/// The one <see cref="HttpClient"/> that the container's <see cref="Llms.LlmChatClientFactory"/> shares; the
/// container owns it and disposes it with this holder.
/// </summary>
internal sealed class LlmHttpClientHolder : IDisposable
{
    // Connections are recycled so DNS changes of provider endpoints are picked up; Polly owns timeouts.
    public HttpClient Client { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    public void Dispose() => Client.Dispose();
}
