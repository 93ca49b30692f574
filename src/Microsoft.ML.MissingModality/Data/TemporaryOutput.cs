using System.Collections.Concurrent;
using System.Diagnostics;

namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// Temporary files and folders that an output is written into before it is renamed into place. Each is named after
/// its target and the process writing it (<c>TARGET.partial-PID-XXXXXXXX</c>), so that a later run can remove what a
/// killed one left (<see cref="RemoveAbandoned"/>), and each is tracked while it exists, so that a host's Ctrl+C
/// handler can remove them all (<see cref="DeleteTracked"/>).
/// </summary>
public static class TemporaryOutput
{
    private const string Infix = ".partial-";
    private static readonly ConcurrentDictionary<string, byte> s_tracked = new(StringComparer.Ordinal);

    /// <summary>A new temporary path beside <paramref name="target"/>, tracked until <see cref="Forget"/>.</summary>
    /// <param name="target">The full path of the output it will become.</param>
    public static string Beside(string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        string path = $"{Path.TrimEndingDirectorySeparator(target)}{Infix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        s_tracked[path] = 0;
        return path;
    }

    /// <summary>Stops tracking a temporary path (it was renamed into place or deleted).</summary>
    public static void Forget(string path) => s_tracked.TryRemove(path, out _);

    /// <summary>Deletes a temporary file or folder, if it exists, and forgets it.</summary>
    public static void Delete(string path)
    {
        try
        {
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
            else if (File.Exists(path))
                File.Delete(path);
        }
        finally
        {
            Forget(path);
        }
    }

    /// <summary>Deletes every tracked temporary path of this process (best effort: for Ctrl+C and termination handlers).</summary>
    public static void DeleteTracked()
    {
        foreach (string path in s_tracked.Keys)
        {
            try
            {
                Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left for RemoveAbandoned on a later run.
            }
        }
    }

    /// <summary>Deletes temporary paths beside <paramref name="target"/> whose writing process is no longer running.</summary>
    public static void RemoveAbandoned(string target)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(target));
        string? parent = Path.GetDirectoryName(full);
        if (parent is null || !Directory.Exists(parent))
            return;
        string prefix = Path.GetFileName(full) + Infix;
        foreach (string path in Directory.EnumerateFileSystemEntries(parent, prefix + "*"))
        {
            string rest = Path.GetFileName(path)[prefix.Length..];
            int dash = rest.IndexOf('-');
            if (dash <= 0 || !int.TryParse(rest[..dash], out int pid) || IsRunning(pid))
                continue;
            try
            {
                Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process may be removing it too; tried again next time.
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId)
            return true;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
