namespace OpenHands.Sdk.Internal;

/// <summary>Keeps the original of a file that a migration rewrites: <c>&lt;file&gt;.bak</c>, mode 0600, never overwritten.</summary>
internal static class BackupFile
{
    /// <summary>
    /// Writes <paramref name="original"/> to <c>&lt;path&gt;.bak</c>, or to <c>&lt;path&gt;.2.bak</c>, <c>.3.bak</c>… when an
    /// older backup with other content is there (it is kept). A backup that already holds these bytes is reused, so a
    /// migration repeated after a crash adds none.
    /// </summary>
    /// <returns>The backup's path.</returns>
    public static string Create(string path, ReadOnlySpan<byte> original)
    {
        for (var i = 1; ; i++)
        {
            var backup = i == 1 ? path + ".bak" : $"{path}.{i}.bak";
            if (File.Exists(backup))
            {
                if (File.ReadAllBytes(backup).AsSpan().SequenceEqual(original))
                {
                    return backup;
                }

                continue;
            }

            // Written whole beside the target, then moved without overwrite: a backup is complete or absent, never torn.
            var temp = backup + ".tmp";
            AtomicFile.Write(temp, original, flushToDisk: true);
            try
            {
                File.Move(temp, backup, overwrite: false);
                return backup;
            }
            catch (IOException) when (File.Exists(backup))
            {
                File.Delete(temp);   // another process made this backup meanwhile: look at it again
                i--;
            }
        }
    }
}
