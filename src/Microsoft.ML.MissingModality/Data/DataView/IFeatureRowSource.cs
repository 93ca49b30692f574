namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// Implemented by the target of the dataset reader's feature getters: copies the current row's vector (zeros where
/// the modality is missing) into a caller's span. Its values were checked finite when the row group was decoded.
/// </summary>
internal interface IFeatureRowSource
{
    /// <summary>Values per row.</summary>
    int Length { get; }

    void CopyCurrent(Span<float> destination);

    /// <summary>
    /// The current row's vector where it was decoded, leased to the caller (who calls
    /// <see cref="DecodedVideoGroup.ReleaseLease"/> on <paramref name="owner"/> once done with it), or false when the
    /// modality is missing in this row.
    /// </summary>
    bool TryLeaseCurrent(out ReadOnlyMemory<float> row, out DecodedVideoGroup owner);
}
