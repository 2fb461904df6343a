using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Conversations.Internal;

/// <summary>
/// The rule for a secret's name and value (an environment variable name, a value present): pure, so this part of
/// <see cref="ConversationSecrets"/> is compiled into the agent server too, which checks a request before it writes.
/// </summary>
internal sealed partial class ConversationSecrets
{
    /// <summary>Checks secrets before anything is written.</summary>
    /// <exception cref="ArgumentException">A name is not a valid environment variable name, or a value is missing.</exception>
    public static void Validate(IReadOnlyDictionary<string, SecretString> secrets, string parameterName)
    {
        foreach (var (name, value) in secrets)
        {
            if (!IsVariableName(name) || value is null)
            {
                throw new ArgumentException(
                    $"Secret '{name}' cannot be used: a secret needs a name of letters, digits and '_' (not starting with a digit) and a value.", parameterName);
            }
        }
    }

    private static bool IsVariableName(string name) =>
        !string.IsNullOrEmpty(name) && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
