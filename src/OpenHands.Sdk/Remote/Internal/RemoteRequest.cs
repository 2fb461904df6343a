using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using OpenHands.Sdk.Profiles;
using OpenHands.Sdk.Security;

namespace OpenHands.Sdk.Remote.Internal;

/// <summary>One request of the remote client; its body is written with the wire's contract (<c>OpenHands.Sdk.Wire</c>).</summary>
internal sealed record RemoteRequest(HttpMethod Method, string Path)
{
    /// <summary>Gets the UTF-8 JSON body, or <see langword="null"/> for none.</summary>
    public byte[]? Body { get; init; }

    /// <summary>Gets whether repeating the request leaves the server as one request would: only those are retried.</summary>
    public bool Idempotent { get; init; }

    /// <summary>Gets what a 404 means on this route.</summary>
    public NotFoundMeaning NotFound { get; init; }

    /// <summary>Gets the profile the request names, for a 404's message.</summary>
    public ProfileName? Profile { get; init; }

    /// <summary>Gets the conversation the request names.</summary>
    public Guid? Conversation { get; init; }

    /// <summary>Gets whether the request asks for plaintext secrets (<c>X-Expose-Secrets: plaintext</c>).</summary>
    public bool ExposeSecrets { get; init; }

    /// <summary>Gets whether the request only creates (<c>If-None-Match: *</c>): the server answers 412 instead of overwriting.</summary>
    public bool CreateOnly { get; init; }

    /// <summary>Gets the secrets the body carries, removed from any error message.</summary>
    public IReadOnlyList<SecretString?> Secrets { get; init; } = [];

    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    public static RemoteRequest Get(string path) => new(HttpMethod.Get, path) { Idempotent = true };

    /// <summary>A POST without a body of its own (<c>{}</c>, as the reference's clients send).</summary>
    public static RemoteRequest Post(string path, bool idempotent) => new(HttpMethod.Post, path) { Body = EmptyObject, Idempotent = idempotent };

    /// <summary>A request whose body is <paramref name="body"/> written with <paramref name="contract"/>.</summary>
    public static RemoteRequest With<T>(HttpMethod method, string path, T body, JsonTypeInfo<T> contract, bool idempotent) =>
        new(method, path) { Body = JsonSerializer.SerializeToUtf8Bytes(body, contract), Idempotent = idempotent };

    /// <summary>Returns the method and path only: the body may hold a key (a profile save), so a record's member dump must never be printed.</summary>
    /// <returns>For example <c>POST api/profiles/fast</c>.</returns>
    public override string ToString() => $"{Method} {Path}";
}
