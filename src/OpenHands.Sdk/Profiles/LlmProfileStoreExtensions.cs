using OpenHands.Sdk.Llms;

namespace OpenHands.Sdk.Profiles;

/// <summary>Overloads of <see cref="ILlmProfileStore"/> that take profile names as text.</summary>
/// <remarks>Each validates the text with <see cref="ProfileName.Create"/> first and throws <see cref="InvalidProfileNameException"/> for a bad name; nothing is read or written then.</remarks>
public static class LlmProfileStoreExtensions
{
    /// <summary>Loads a profile by name.</summary>
    /// <param name="store">The store.</param>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The configuration.</returns>
    public static Task<Llm> LoadAsync(this ILlmProfileStore store, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.LoadAsync(ProfileName.Create(name), cancellationToken);
    }

    /// <summary>Creates or overwrites a profile by name.</summary>
    /// <param name="store">The store.</param>
    /// <param name="name">The profile's name.</param>
    /// <param name="llm">The configuration.</param>
    /// <param name="options">Save options; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the profile is stored.</returns>
    public static Task SaveAsync(this ILlmProfileStore store, string name, Llm llm, ProfileSaveOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.SaveAsync(ProfileName.Create(name), llm, options, cancellationToken);
    }

    /// <summary>Deletes a profile by name; a missing profile is not an error.</summary>
    /// <param name="store">The store.</param>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when a profile was deleted.</returns>
    public static Task<bool> DeleteAsync(this ILlmProfileStore store, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.DeleteAsync(ProfileName.Create(name), cancellationToken);
    }

    /// <summary>Renames a profile.</summary>
    /// <param name="store">The store.</param>
    /// <param name="name">The existing name.</param>
    /// <param name="newName">The new name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the profile is renamed.</returns>
    public static Task RenameAsync(this ILlmProfileStore store, string name, string newName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.RenameAsync(ProfileName.Create(name), ProfileName.Create(newName), cancellationToken);
    }

    /// <summary>Returns whether a profile exists.</summary>
    /// <param name="store">The store.</param>
    /// <param name="name">The profile's name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when it exists.</returns>
    public static Task<bool> ExistsAsync(this ILlmProfileStore store, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.ExistsAsync(ProfileName.Create(name), cancellationToken);
    }
}
