namespace Microsoft.ML.MissingModality;

/// <summary>
/// An output already exists and the call was not told to replace it (the options' <c>Overwrite</c>); nothing was
/// written or changed.
/// </summary>
public sealed class OutputExistsException(string path, string message) : IOException(message)
{
    /// <summary>The existing file or folder.</summary>
    public string Path { get; } = path;
}
