namespace OpenHands.Sdk.Tests.Profiles;

/// <summary>File edits that keep a file's stamp, for the tests of the stores' stamp-keyed caches.</summary>
internal static class FileTimes
{
    /// <summary>Overwrites the file in place (same inode, same creation time) and puts its last write time back.</summary>
    public static void RewriteInPlaceKeepingTimes(string path, string text)
    {
        var lastWrite = File.GetLastWriteTimeUtc(path);
        using (var stream = new FileStream(path, FileMode.Truncate, FileAccess.Write))
        {
            stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
        }

        File.SetLastWriteTimeUtc(path, lastWrite);
    }
}
