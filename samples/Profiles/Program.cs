// Profiles sample: LLM profiles as the one source of truth for LLM configuration.
//
//   dotnet run --project samples/Profiles [folder]
//
// Uses a fresh folder (or the one given) so it never touches ~/.openhands. Prints no secret.
using Microsoft.Extensions.DependencyInjection;
using OpenHands.Sdk.Llms;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Settings;

var folder = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "openhands-profiles-sample-" + Guid.NewGuid().ToString("N")[..8]);

await using var services = new ServiceCollection()
    .AddOpenHands(o =>
    {
        o.PersistenceDirectory = folder;
        o.SecretKey = "sample-only-secret-key"; // in real use: OH_SECRET_KEY; keys are then Fernet-encrypted at rest
    })
    .Services.BuildServiceProvider();

var store = services.GetRequiredService<ILlmProfileStore>();
var materializer = services.GetRequiredService<ProfileMaterializer>();
var settings = services.GetRequiredService<ISettingsStore>();
var resolver = services.GetRequiredService<ProfileResolver>();

// 1. Two profiles created in code.
await store.SaveAsync("fast", new Llm("openai/gpt-4o-mini") { ApiKey = new SecretString("sk-test-sample-fast"), Temperature = 0.2 });
await store.SaveAsync("smart", new Llm("anthropic/claude-sonnet-4-5") { ApiKey = new SecretString("sk-test-sample-smart"), MaxOutputTokens = 8192 });

// 2. Summaries never carry secrets.
Console.WriteLine("Profiles:");
foreach (var summary in await store.ListSummariesAsync())
{
    Console.WriteLine($"  {summary.Name,-8} {summary.Model,-30} key set: {summary.ApiKeySet}");
}

// 3. A raw Llm built in code becomes the profile 'Default'; only the reference is kept from here on.
var raw = new Llm("openai/gpt-4o") { ApiKey = new SecretString("sk-test-sample-raw"), BaseUrl = "https://llm.example.test/v1" };
var reference = await materializer.MaterializeAsync(raw);
Console.WriteLine($"Materialized a raw Llm as profile '{reference}'.");
var again = await materializer.MaterializeAsync(raw);
Console.WriteLine($"Materializing it again writes nothing and returns '{again}'.");

// 4. Activation stores a pointer; resolving reads the profile's newest content.
await settings.ActivateProfileAsync(ProfileName.Create("smart"));
var active = await resolver.ResolveAsync(reference: null);
Console.WriteLine($"Active profile resolves to {active.Model} (key: {active.ApiKey}).");
Console.WriteLine($"llm_api_key_is_set (derived from the active profile): {await settings.GetLlmApiKeyIsSetAsync()}");

await store.SaveAsync("smart", active with { MaxOutputTokens = 4096 });
Console.WriteLine($"After an edit, the next resolve sees max_output_tokens = {(await resolver.ResolveAsync(reference: null)).MaxOutputTokens}.");
Console.WriteLine($"Files are in {folder}");
