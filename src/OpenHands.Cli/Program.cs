// The `openhands` command. Ctrl+C (SIGINT) or SIGTERM cancels the running command: `run` then pauses the
// conversation and persists it; a second Ctrl+C ends the process at once.
using System.Runtime.InteropServices;
using OpenHands.Cli;

using var interrupt = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
return await CliApp.RunAsync(args, CliIo.FromConsole(), interrupt.Token);

void Stop(PosixSignalContext context)
{
    if (!interrupt.IsCancellationRequested)
    {
        context.Cancel = true;
        interrupt.Cancel();
    }
}
