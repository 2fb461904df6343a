using Microsoft.Extensions.Options;
using OpenHands.Sdk.Remote;

namespace OpenHands.Sdk.DependencyInjection;

/// <summary>Checks <see cref="RemoteWorkspaceOptions"/> and reports every problem in one message.</summary>
internal sealed class RemoteWorkspaceOptionsValidator : IValidateOptions<RemoteWorkspaceOptions>
{
    public ValidateOptionsResult Validate(string? name, RemoteWorkspaceOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
