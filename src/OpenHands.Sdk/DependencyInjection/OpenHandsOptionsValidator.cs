using Microsoft.Extensions.Options;

namespace OpenHands.Sdk.DependencyInjection;

/// <summary>Checks <see cref="OpenHandsOptions"/> and reports every problem in one message.</summary>
internal sealed class OpenHandsOptionsValidator : IValidateOptions<OpenHandsOptions>
{
    public ValidateOptionsResult Validate(string? name, OpenHandsOptions options)
    {
        var errors = new List<string>();
        if (options.LockTimeout <= TimeSpan.Zero || options.LockTimeout > TimeSpan.FromHours(1))
        {
            errors.Add($"OpenHandsOptions.LockTimeout must be positive and at most 1 hour (it is {options.LockTimeout}).");
        }

        CheckPath(options.PersistenceDirectory, nameof(OpenHandsOptions.PersistenceDirectory), errors);
        CheckPath(options.ProfilesDirectory, nameof(OpenHandsOptions.ProfilesDirectory), errors);
        if (options.SecretKey is { } key && string.IsNullOrWhiteSpace(key))
        {
            errors.Add("OpenHandsOptions.SecretKey is blank: set a real key, or leave it null to use OH_SECRET_KEY.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckPath(string? path, string option, List<string> errors)
    {
        if (path is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(path) || path.IndexOfAny(Path.GetInvalidPathChars()) >= 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            errors.Add($"OpenHandsOptions.{option} is not a valid folder path: '{path}'.");
        }
        else if (File.Exists(path))
        {
            errors.Add($"OpenHandsOptions.{option} names a file, not a folder: '{path}'.");
        }
    }
}
