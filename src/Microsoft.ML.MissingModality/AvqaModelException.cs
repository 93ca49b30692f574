namespace Microsoft.ML.MissingModality;

/// <summary>
/// A model zip this library cannot read back: an entry of a component's weights is missing, truncated or corrupt, or
/// its saved architecture and weights disagree. The message names the zip entry; callers that know the zip's path
/// (the CLI) prefix it.
/// </summary>
public sealed class AvqaModelException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="entry">The zip entry at fault, or null when no single entry is.</param>
    /// <param name="detail">What is wrong, as a sentence.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public AvqaModelException(string? entry, string detail, Exception? inner = null)
        : base(entry is null ? detail : $"entry '{entry}': {detail}", inner)
    {
        Entry = entry;
        Detail = detail;
    }

    /// <summary>The zip entry at fault, or null.</summary>
    public string? Entry { get; }

    /// <summary>What is wrong, without the entry.</summary>
    public string Detail { get; }
}
