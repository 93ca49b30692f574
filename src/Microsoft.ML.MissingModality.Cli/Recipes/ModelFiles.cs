using Microsoft.ML.MissingModality.Data;
namespace Microsoft.ML.MissingModality.Cli.Recipes;

/// <summary>Writes output files so that a failure never leaves a partial file behind nor destroys an existing one early.</summary>
public static class ModelFiles
{
    /// <summary>Saves to a temporary file beside <paramref name="path"/>, then renames it into place (see <see cref="WriteAtomically"/>).</summary>
    public static void SaveAtomically(MLContext context, ITransformer model, DataViewSchema inputSchema, string path, bool overwrite) =>
        WriteAtomically(path, temporary => context.Model.Save(model, inputSchema, temporary), overwrite);

    /// <summary>
    /// Has <paramref name="write"/> write a temporary file beside <paramref name="path"/>, then renames it into place;
    /// without <paramref name="overwrite"/> the rename refuses a file that exists by then — one that appeared while
    /// the command ran, say a second run writing the same path (<see cref="OutputExistsException"/>). The temporary
    /// file is removed on failure and on Ctrl+C.
    /// </summary>
    public static void WriteAtomically(string path, Action<string> write, bool overwrite)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        TemporaryOutput.RemoveAbandoned(full);
        string temporary = TemporaryOutput.Beside(full);
        try
        {
            try
            {
                write(temporary);
            }
            catch (IOException e) when (e is not OutputExistsException)
            {
                // Name the user's file, not the temporary one beside it.
                throw new IOException($"Cannot write '{path}': {e.Message.Replace(temporary, full, StringComparison.Ordinal)}", e);
            }
            if (!overwrite && File.Exists(full))
                throw new OutputExistsException(full, $"'{path}' appeared while this command ran.");
            File.Move(temporary, full, overwrite);
        }
        catch (IOException) when (!overwrite && File.Exists(full) && File.Exists(temporary))
        {
            throw new OutputExistsException(full, $"'{path}' appeared while this command ran.");
        }
        finally
        {
            TemporaryOutput.Delete(temporary);
        }
    }

    /// <summary>
    /// Checks, before any work, that a file can later be written at <paramref name="path"/>: it is not a folder, it
    /// exists only with <paramref name="overwrite"/>, and the nearest existing folder on its path is a folder that can
    /// be written (a probe file is made there and removed; no folder is created), so a long training never ends in
    /// "cannot write".
    /// </summary>
    public static void CheckWritable(string path, string flag, bool overwrite)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new UsageException($"{flag} '{path}' is a folder; give a file name.");
        if (File.Exists(full) && !overwrite)
            throw new OutputExistsException(full, $"'{path}' already exists.");
        string? existing = Path.GetDirectoryName(full);
        while (existing is not null && !Directory.Exists(existing))
        {
            if (File.Exists(existing))
                throw new IOException($"{flag} '{path}' cannot be written: '{existing}' is a file, not a folder.");
            existing = Path.GetDirectoryName(existing);
        }
        if (existing is null)
            throw new IOException($"{flag} '{path}' cannot be written: no folder on its path exists.");
        string probe = TemporaryOutput.Beside(Path.Combine(existing, Path.GetFileName(full)));
        try
        {
            File.WriteAllBytes(probe, []);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{flag} '{path}' cannot be written: {e.Message.Replace(probe, existing, StringComparison.Ordinal)}", e);
        }
        finally
        {
            TemporaryOutput.Delete(probe);
        }
    }

    /// <summary>Loads a model zip; a missing or unreadable file becomes one <see cref="IOException"/> naming it.</summary>
    public static ITransformer Load(MLContext context, string path)
    {
        if (!File.Exists(path))
            throw new IOException($"Model file '{path}' does not exist.");
        try
        {
            return context.Model.Load(path, out _);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var cause = AvqaErrors.RootCause(e);
            // The cause's text only: the error report must not dig past this message to the cause, which lacks the path.
            throw new InvalidDataException($"'{path}' is not a readable model zip: {cause.Message}");
        }
    }
}
