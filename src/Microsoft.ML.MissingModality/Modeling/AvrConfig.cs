namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// The sizes of an <see cref="AvrNetwork"/>: the per-segment audio and visual shapes read from the data (pooled
/// visual features are a 1 × 1 map) and the denoiser's width and depth. Plain values only.
/// </summary>
internal sealed record AvrConfig
{
    public required int AudioDim { get; init; }

    public required int VisualChannels { get; init; }

    public required int VisualHeight { get; init; }

    public required int VisualWidth { get; init; }

    /// <summary>Channels of the denoiser's hidden maps (the public code's U-Net: 64). A multiple of 8 (group norm).</summary>
    public int Width { get; init; } = 64;

    /// <summary>Residual blocks at the maps' resolution.</summary>
    public int Blocks { get; init; } = 2;

    public int VisualPositions => VisualHeight * VisualWidth;

    public AvrConfig Validate()
    {
        foreach (var (value, name) in new[] { (AudioDim, nameof(AudioDim)), (VisualChannels, nameof(VisualChannels)),
                     (VisualHeight, nameof(VisualHeight)), (VisualWidth, nameof(VisualWidth)), (Blocks, nameof(Blocks)) })
        {
            if (value < 1)
                throw new ArgumentException($"{name} must be positive; got {value}.");
        }
        if (Width < 8 || Width % 8 != 0)
            throw new ArgumentException($"{nameof(Width)} must be a positive multiple of 8; got {Width}.");
        return this;
    }
}
