using System.CommandLine;
using OpenHands.Sdk.Security;
using OpenHands.Sdk.Security.Internal;

namespace OpenHands.Cli;

/// <summary>
/// <c>openhands keys rotate</c>: re-encrypts every stored secret (LLM profiles, provider connections, settings.json)
/// from <c>OH_SECRET_KEY</c> to a new key (<see cref="SecretKeyRotation"/>). No confirmation question: each file is
/// replaced atomically, and an interrupted run is finished by running it again.
/// </summary>
internal static class KeysCommands
{
    public static Command Create(CliIo io, Option<string?> home)
    {
        var keys = new Command("keys", "Manage the key that encrypts secrets at rest (OH_SECRET_KEY).");
        var newKeyStdin = new Option<bool>("--new-key-stdin") { Description = "Read the new key from stdin (first line). Without it a terminal prompts for it without echo." };
        var rotate = new Command("rotate", """
            Re-encrypt every stored secret from the current key (OH_SECRET_KEY; OH_SECRET_KEY_PREVIOUS is read too) to a new key.
            Each file is replaced atomically; if interrupted, run it again with the same keys. Afterwards start servers with
            OH_SECRET_KEY=<new> (and, while other processes may still write with the old key, OH_SECRET_KEY_PREVIOUS=<old>).
            """) { newKeyStdin };
        rotate.SetAction((parse, ct) => ProfilesCommands.WithHome(io, parse, home, h => RotateAsync(h, io, parse.GetValue(newKeyStdin), ct), migrateFirst: false, cancellationToken: ct));
        keys.Add(rotate);
        return keys;
    }

    private static async Task<int> RotateAsync(CliHome home, CliIo io, bool fromStdin, CancellationToken ct)
    {
        var current = io.Env(SecretKeySource.SecretKeyVariable)
            ?? throw CliException.Usage("OH_SECRET_KEY is not set: it must hold the key the secrets are encrypted with now. Fix: OH_SECRET_KEY=<current> openhands keys rotate --new-key-stdin");
        string? newKey;
        if (fromStdin)
        {
            newKey = (await io.In.ReadLineAsync(ct))?.Trim();
        }
        else if (io.InputIsTerminal)
        {
            newKey = ProfilesCommands.PromptSecret(io, "New secret key (input hidden): ");
        }
        else
        {
            throw CliException.Usage("no new key: stdin is not a terminal and --new-key-stdin was not given. Fix: openhands keys rotate --new-key-stdin < new-key-file");
        }

        if (string.IsNullOrEmpty(newKey))
        {
            throw CliException.Usage("the new key is empty. Fix: give a non-empty key.");
        }

        if (newKey == current)
        {
            throw CliException.Usage("the new key equals OH_SECRET_KEY. Fix: give a different new key.");
        }

        var options = new SecretKeyRotationOptions
        {
            PersistenceDirectory = home.Directory,
            ProfilesDirectory = home.ProfilesDirectory,
            CurrentKey = current,
            NewKey = newKey,
        };
        if (io.Env(SecretKeySource.PreviousKeyVariable) is { } previous)
        {
            options.OtherKeys.Add(previous);
        }

        var result = await SecretKeyRotation.RotateAsync(options, cancellationToken: ct);
        io.Line($"Rotated the secret key in {home.Directory}: {result.FilesRewritten} file(s) re-encrypted, {result.FilesAlreadyCurrent} left as they were. "
                + "Set OH_SECRET_KEY to the new key now.");
        return ExitCodes.Ok;
    }
}
