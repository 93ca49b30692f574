namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>The feature shapes a recaller works at: audio <c>[T, A]</c> and visual <c>[T, C, P]</c> (P = H·W, 1 when pooled).</summary>
internal sealed record RecallShape(int Segments, int AudioDim, int VisualChannels, int VisualPositions)
{
    public int VisualSlotSize => VisualChannels * VisualPositions;

    /// <summary>Values of one row's audio and visual features together.</summary>
    public long RowFloats => (long)Segments * (AudioDim + VisualSlotSize);
}
