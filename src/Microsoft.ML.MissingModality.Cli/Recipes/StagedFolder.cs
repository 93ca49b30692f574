using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Cli.Recipes;

/// <summary>
/// An output folder written out of sight and put in place at the end: a command writes into <see cref="Path"/> (a
/// sibling of the target) and calls <see cref="Commit"/> once everything succeeded. Until then the target — an old
/// output the user asked to replace with <c>--overwrite</c> — stays as it was; a failure or a kill leaves it intact
/// and <see cref="Dispose"/> removes the partial folder.
/// </summary>
public sealed class StagedFolder : IDisposable
{
    private bool _committed;

    private StagedFolder(string target)
    {
        Target = target;
        TemporaryOutput.RemoveAbandoned(target);
        Path = TemporaryOutput.Beside(target);
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder the output ends up in.</summary>
    public string Target { get; }

    /// <summary>Where to write until <see cref="Commit"/>.</summary>
    public string Path { get; }

    /// <summary>
    /// Starts an output for <paramref name="target"/>. It must not exist, be empty, or be replaced by consent
    /// (<paramref name="overwrite"/>); it must never be a folder that holds the current directory.
    /// </summary>
    /// <exception cref="IOException">The target exists and is not empty without <paramref name="overwrite"/>, is a file, or holds the current directory.</exception>
    public static StagedFolder Begin(string target, bool overwrite)
    {
        string full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(target));
        if (File.Exists(full))
            throw new IOException($"'{target}' is a file; choose a folder name for --out.");
        string current = System.IO.Path.TrimEndingDirectorySeparator(Environment.CurrentDirectory) + System.IO.Path.DirectorySeparatorChar;
        if (Directory.Exists(full) && current.StartsWith(full + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new IOException($"'{target}' holds the current directory; choose a new folder for --out.");
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !overwrite)
            throw new OutputExistsException(full, $"'{target}' already exists and is not empty.");
        string? parent = System.IO.Path.GetDirectoryName(full);
        if (parent is not null)
            Directory.CreateDirectory(parent);
        return new StagedFolder(full);
    }

    /// <summary>Puts the written folder in place of the target (replacing an old one) in two renames.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        string? replaced = null;
        if (Directory.Exists(Target))
        {
            replaced = TemporaryOutput.Beside(Target);
            Directory.Move(Target, replaced);
        }
        try
        {
            Directory.Move(Path, Target);
        }
        catch
        {
            if (replaced is not null)
                Directory.Move(replaced, Target);
            throw;
        }
        _committed = true;
        TemporaryOutput.Forget(Path);
        if (replaced is not null)
            TemporaryOutput.Delete(replaced);
    }

    /// <summary>Removes the partial folder unless it was committed.</summary>
    public void Dispose()
    {
        if (!_committed)
            TemporaryOutput.Delete(Path);
        _committed = true;
    }
}
