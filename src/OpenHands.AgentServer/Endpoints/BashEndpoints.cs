using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenHands.AgentServer.Internal;
using OpenHands.Sdk.Wire;

namespace OpenHands.AgentServer.Endpoints;

/// <summary>
/// <c>/api/bash</c>: run commands in the workspace root (<see cref="BashEventService"/>) and read their events, in the
/// Python agent-server's shapes. The events websocket is <see cref="BashSocketEndpoint"/>.
/// </summary>
internal static class BashEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var bash = api.MapGroup("/bash").WithTags("bash");
        bash.MapGet("/bash_events/search", Search).Errors(422);
        bash.MapGet("/bash_events/{eventId}", Get).Errors(404);
        bash.MapGet("/bash_events", BatchGet).Errors(413, 422);
        bash.MapDelete("/bash_events", Clear);
        bash.MapPost("/start_bash_command", Start).Errors(400, 413, 422);
        bash.MapPost("/execute_bash_command", ExecuteAsync).Errors(400, 413, 422);
    }

    private static WireOk<BashEventPage> Search(HttpRequest request, BashEventService service)
    {
        var q = request.Query;
        var kind = QueryValues.Text(q, "kind__eq");
        if (kind is not (null or BashEvent.CommandKind or BashEvent.OutputKind))
        {
            throw ApiException.Validation("Input should be 'BashCommand' or 'BashOutput'", "literal_error", "query", "kind__eq");
        }

        var descending = QueryValues.Text(q, "sort_order") switch
        {
            null or "TIMESTAMP" => false,
            "TIMESTAMP_DESC" => true,
            _ => throw ApiException.Validation("Input should be 'TIMESTAMP' or 'TIMESTAMP_DESC'", "enum", "query", "sort_order"),
        };
        var query = new BashEventQuery(
            kind, QueryValues.Uuid(q, "command_id__eq"), QueryValues.Time(q, "timestamp__gte"), QueryValues.Time(q, "timestamp__lt"),
            QueryValues.Int(q, "order__gt"), descending, QueryValues.Text(q, "page_id"), QueryValues.Limit(q));
        return new(service.Store.Search(query));
    }

    private static WireOk<BashEvent> Get(string eventId, BashEventService service) =>
        new(service.Store.Get(eventId) ?? throw ApiException.NotFound($"Bash event not found: {eventId}"));

    /// <summary>The ids come as a JSON array in the body of the GET (as in the Python server), else as repeated <c>event_ids</c> query values.</summary>
    private static WireOk<List<BashEvent?>> BatchGet([OptionalBody] WireBody<List<string>> body, HttpRequest request, BashEventService service)
    {
        var ids = body.Value.Count > 0 ? body.Value : [.. request.Query["event_ids"].OfType<string>()];
        if (ids.Count == 0)
        {
            throw ApiException.Validation("Field required", "missing", "body");
        }

        return new([.. ids.Select(service.Store.Get)]);
    }

    private static WireOk<ClearBashEventsResponse> Clear(BashEventService service) => new(new ClearBashEventsResponse { ClearedCount = service.Store.Clear() });

    private static WireOk<BashEvent> Start(WireBody<ExecuteBashRequest> body, BashEventService service) => new(service.Start(body.Value).Command);

    private static async Task<WireOk<BashEvent>> ExecuteAsync(WireBody<ExecuteBashRequest> body, BashEventService service, CancellationToken cancellationToken)
    {
        var (_, output) = service.Start(body.Value);
        return new(await output.WaitAsync(cancellationToken).ConfigureAwait(false));
    }
}
