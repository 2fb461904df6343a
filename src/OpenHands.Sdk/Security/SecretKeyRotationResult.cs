namespace OpenHands.Sdk.Security;

/// <summary>What a rotation did.</summary>
/// <param name="FilesRewritten">Files re-encrypted with the new key by this run.</param>
/// <param name="FilesAlreadyCurrent">Files looked at and left as they were: already under the new key (done by an interrupted run), without secrets, or absent.</param>
public sealed record SecretKeyRotationResult(int FilesRewritten, int FilesAlreadyCurrent);
