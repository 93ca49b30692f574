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
            write(temporary);
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
