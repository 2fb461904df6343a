using System.Net;
using System.Text;

namespace OpenHands.Remote.Tests.Support;

/// <summary>Sits in front of the real server and makes chosen requests fail: a 5xx answer, a connection error or a slow answer.</summary>
public sealed class FaultInjectingHandler : DelegatingHandler
{
    private readonly Lock _gate = new();
    private readonly List<Rule> _rules = [];

    public enum Fault
    {
        ServiceUnavailable,
        ConnectionError,
        Hang,

        /// <summary>The request reaches the server, then the answer is lost (a connection error for the client).</summary>
        AnswerLost,

        /// <summary>The request reaches the server with <see cref="WrongKey"/> as its session key.</summary>
        WrongSessionKey,
    }

    /// <summary>The next <paramref name="count"/> requests that match fail with <paramref name="fault"/>; -1 means all of them.</summary>
    public void Inject(Func<HttpRequestMessage, bool> match, Fault fault, int count = 1)
    {
        lock (_gate)
        {
            _rules.Add(new Rule(match, fault) { Remaining = count });
        }
    }

    public const string WrongKey = "session-key-bad-9";

    public int Injected { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Fault? fault = null;
        lock (_gate)
        {
            var rule = _rules.FirstOrDefault(r => r.Remaining != 0 && r.Match(request));
            if (rule is not null)
            {
                rule.Remaining = rule.Remaining < 0 ? -1 : rule.Remaining - 1;
                fault = rule.Fault;
                Injected++;
            }
        }

        switch (fault)
        {
            case Fault.ServiceUnavailable:
                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
                {
                    RequestMessage = request,
                    Content = new StringContent("""{"detail":"Injected fault: service unavailable"}""", Encoding.UTF8, "application/json"),
                };
            case Fault.ConnectionError:
                throw new HttpRequestException("Injected fault: connection refused", new IOException("connection refused"));
            case Fault.AnswerLost:
                using (await base.SendAsync(request, cancellationToken))
                {
                    throw new HttpRequestException("Injected fault: the connection broke before the answer arrived", new IOException("connection reset"));
                }

            case Fault.WrongSessionKey:
                request.Headers.Remove("X-Session-API-Key");
                request.Headers.TryAddWithoutValidation("X-Session-API-Key", WrongKey);
                return await base.SendAsync(request, cancellationToken);
            case Fault.Hang:
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
                throw new InvalidOperationException("unreachable");
            default:
                return await base.SendAsync(request, cancellationToken);
        }
    }

    private sealed record Rule(Func<HttpRequestMessage, bool> Match, Fault Fault)
    {
        public int Remaining { get; set; }
    }
}
