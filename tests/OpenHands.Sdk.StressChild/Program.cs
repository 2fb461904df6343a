using System.Globalization;
using System.Text.Json;
using OpenHands.Sdk;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.StressChild;

// Child process of the profile store's durability tests.
//   save-loop <dir> <seed> [cipher-key]          saves p0..p4 forever; prints "ready" after the first save
//   save-once <dir> <name> <lock-timeout-ms>     saves one random profile; prints "saved", or "busy" on StoreBusyException
//   mixed <dir> <seed> <count> [cipher-key] [lock-timeout-ms]
//                                                prints "ready", waits for a line on stdin, runs <count> mixed
//                                                operations, prints a JSON summary; exit 0, or 1 on any error
//                                                other than StoreBusyException
//   materialize <dir> <model> <api-key>          prints "ready", waits for a line on stdin, materializes the LLM with
//                                                ProfileMaterializer and prints "name: <profile>"
try
{
    switch (args)
    {
        case ["save-loop", var dir, var seed, .. var rest]:
            await SaveLoopAsync(dir, int.Parse(seed, CultureInfo.InvariantCulture), rest is [var loopKey, ..] ? loopKey : null);
            return 0;
        case ["save-once", var dir, var name, var onceTimeoutMs]:
            Console.Out.WriteLine(await SaveOnceAsync(dir, name, TimeSpan.FromMilliseconds(int.Parse(onceTimeoutMs, CultureInfo.InvariantCulture))));
            return 0;
        case ["mixed", var dir, var seed, var count, .. var rest]:
            return await MixedAsync(
                dir,
                int.Parse(seed, CultureInfo.InvariantCulture),
                int.Parse(count, CultureInfo.InvariantCulture),
                rest is [var mixedKey, ..] && mixedKey.Length > 0 ? mixedKey : null,
                rest is [_, var ms, ..] ? TimeSpan.FromMilliseconds(int.Parse(ms, CultureInfo.InvariantCulture)) : TimeSpan.FromSeconds(30));
        case ["materialize", var dir, var model, var apiKey]:
            Console.Out.WriteLine("ready");
            _ = await Console.In.ReadLineAsync();
            var materializer = new ProfileMaterializer(new LlmProfileStore(new() { Directory = dir }));
            var reference = await materializer.MaterializeAsync(new OpenHands.Sdk.Llms.Llm(model) { ApiKey = new SecretString(apiKey) });
            Console.Out.WriteLine("name: " + reference.Name);
            return 0;
        default:
            Console.Error.WriteLine("usage: save-loop <dir> <seed> [cipher-key] | save-once <dir> <name> <lock-timeout-ms> | mixed <dir> <seed> <count> [cipher-key] [lock-timeout-ms] | materialize <dir> <model> <api-key>");
            return 2;
    }
}
catch (Exception ex)
{
    Console.Out.WriteLine("error: " + ex.GetType().FullName + ": " + ex.Message);
    Console.Error.WriteLine(ex);
    return 1;
}

static async Task SaveLoopAsync(string dir, int seed, string? cipherKey)
{
    var store = new LlmProfileStore(new() { Directory = dir }, cipherKey is null ? null : new Cipher(cipherKey));
    var random = new Random(seed);
    var names = Enumerable.Range(0, 5).Select(i => ProfileName.Create("p" + i.ToString(CultureInfo.InvariantCulture))).ToArray();
    await store.SaveAsync(names[random.Next(names.Length)], StressProfiles.Create(random));
    Console.Out.WriteLine("ready");
    while (true)
    {
        await store.SaveAsync(names[random.Next(names.Length)], StressProfiles.Create(random));
    }
}

static async Task<string> SaveOnceAsync(string dir, string name, TimeSpan lockTimeout)
{
    var store = new LlmProfileStore(new() { Directory = dir, LockTimeout = lockTimeout });
    try
    {
        await store.SaveAsync(name, StressProfiles.Create(new Random()));
        return "saved";
    }
    catch (StoreBusyException)
    {
        return "busy";
    }
}

static async Task<int> MixedAsync(string dir, int seed, int count, string? cipherKey, TimeSpan lockTimeout)
{
    var logs = new CountingLoggerFactory();
    var store = new LlmProfileStore(new() { Directory = dir, LockTimeout = lockTimeout }, cipherKey is null ? null : new Cipher(cipherKey), logs);
    Console.Out.WriteLine("ready");
    _ = await Console.In.ReadLineAsync();
    var summary = await MixedWorkload.RunAsync([store], seed, count);
    if (logs.Warnings > 0)
    {
        throw new InvalidDataException($"The store logged {logs.Warnings} warning(s); the last: {logs.LastWarning}");
    }

    Console.Out.WriteLine(JsonSerializer.Serialize(summary));
    return 0;
}
