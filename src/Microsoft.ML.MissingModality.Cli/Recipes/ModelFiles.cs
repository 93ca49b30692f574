namespace Microsoft.ML.MissingModality.Cli.Recipes;

/// <summary>Writes output files so that a failure never leaves a partial file behind nor destroys an existing one early.</summary>
public static class ModelFiles
{
    /// <summary>Saves to a temporary file beside <paramref name="path"/>, then renames it into place.</summary>
    public static void SaveAtomically(MLContext context, ITransformer model, DataViewSchema inputSchema, string path) =>
        WriteAtomically(path, temporary => context.Model.Save(model, inputSchema, temporary), overwrite: true);

    /// <summary>
    /// Has <paramref name="write"/> write a temporary file beside <paramref name="path"/>, then renames it into place;
    /// without <paramref name="overwrite"/> the rename refuses a file that exists by then (IOException).
    /// </summary>
    public static void WriteAtomically(string path, Action<string> write, bool overwrite)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = full + ".partial-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            write(temporary);
            File.Move(temporary, full, overwrite);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
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
        catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidDataException or EndOfStreamException)
        {
            throw new IOException($"'{path}' is not a readable model zip: {e.Message}", e);
        }
    }
}
