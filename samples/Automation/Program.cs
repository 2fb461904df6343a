// Automation: a CI-style run on an agent server, by LLM profile name only.
//
//   OH_AGENT_SERVER_URL=http://127.0.0.1:8000 OH_SESSION_API_KEY=... AUTOMATION_MODEL=fast \
//     dotnet run --project samples/Automation -- "Summarize the failing tests"
//   echo "Summarize the failing tests" | AUTOMATION_MODEL=fast dotnet run --project samples/Automation
//
// The program never holds an LLM or a key: it names a profile the server already stores. Exit code 0 when the run
// finishes (the final answer is printed on stdout), 1 when it fails, 2 for a usage error; one line on stderr says why.
using OpenHands.Samples.Automation;

var task = args.Length > 0 ? string.Join(' ', args) : Console.IsInputRedirected ? await Console.In.ReadToEndAsync() : string.Empty;
var settings = AutomationSettings.FromEnvironment(Environment.GetEnvironmentVariable);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await AutomationRun.RunAsync(settings, task, Console.Out, Console.Error, httpClient: null, cancel.Token);
