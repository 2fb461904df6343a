namespace OpenHands.AgentServer.WebConsole;

/// <summary>Set when the console's routes are mapped, so the <c>GET /</c> redirect only points at a console that exists.</summary>
internal sealed class ConsoleMarker
{
    private volatile bool _mapped;

    public bool IsMapped => _mapped;

    public void MarkMapped() => _mapped = true;
}
