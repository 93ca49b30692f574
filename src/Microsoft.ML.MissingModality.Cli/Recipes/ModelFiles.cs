namespace Microsoft.ML.MissingModality.Cli.Recipes;

/// <summary>Writes model zips so that a failure never leaves a partial file behind nor destroys an existing one early.</summary>
public static class ModelFiles
{
    /// <summary>Saves to a temporary file beside <paramref name="path"/>, then renames it into place.</summary>
    public static void SaveAtomically(MLContext context, ITransformer model, DataViewSchema inputSchema, string path)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = full + ".partial-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            context.Model.Save(model, inputSchema, temporary);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }
}
