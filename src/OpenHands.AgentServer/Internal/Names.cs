using OpenHands.Sdk.Profiles;

namespace OpenHands.AgentServer.Internal;

/// <summary>Profile names from paths and bodies, as 422s that say which parameter broke the rule.</summary>
internal static class Names
{
    public static ProfileName Parse(string? text, params string[] loc)
    {
        try
        {
            return ProfileName.Create(text);
        }
        catch (InvalidProfileNameException e)
        {
            throw ApiException.Validation(e.Message, "string_pattern_mismatch", loc);
        }
    }
}
