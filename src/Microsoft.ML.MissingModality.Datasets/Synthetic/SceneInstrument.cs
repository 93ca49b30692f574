namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>
/// One instrument (one player) of a simulated scene: what it is, whether and where it is seen, and how it sounds
/// in each segment. An off-screen instrument is heard but not seen; a silent one is seen but never heard.
/// </summary>
/// <param name="Instrument">One of <see cref="MusicAvqaVocabulary.Instruments"/>.</param>
/// <param name="OnScreen">Whether the instrument is visible; off-screen instruments only add sound.</param>
/// <param name="X">Horizontal position in the frame, 0 (left edge) to 1 (right edge); meaningful only on screen.</param>
/// <param name="Y">Vertical position in the frame, 0 (top) to 1 (bottom); meaningful only on screen.</param>
/// <param name="Loudness">Loudness per segment; 0 where the instrument is silent.</param>
/// <param name="Rhythm">How rhythmic (pulsed) its playing is, 0 (sustained) to 1 (strongly pulsed).</param>
public sealed record SceneInstrument(string Instrument, bool OnScreen, float X, float Y, IReadOnlyList<float> Loudness, float Rhythm)
{
    /// <summary>Whether the instrument sounds in at least one segment.</summary>
    public bool IsSounding => Loudness.Any(l => l > 0);

    /// <summary>The first segment in which it sounds (when it "comes in"), or -1 when it never sounds.</summary>
    public int Onset
    {
        get
        {
            for (int t = 0; t < Loudness.Count; t++)
                if (Loudness[t] > 0) return t;
            return -1;
        }
    }

    /// <summary>Number of segments in which it sounds (how long it plays).</summary>
    public int SoundingSegments => Loudness.Count(l => l > 0);

    /// <summary>Mean loudness over the segments in which it sounds (0 when it never sounds).</summary>
    public float MeanLoudness => SoundingSegments == 0 ? 0f : Loudness.Where(l => l > 0).Average();

    /// <summary>Whether it sounds in segment <paramref name="t"/>.</summary>
    public bool SoundsAt(int t) => Loudness[t] > 0;

    /// <summary>Its horizontal region (<c>left</c>, <c>middle</c> or <c>right</c>: thirds of the frame).</summary>
    public string Region => Scene.RegionOf(X);
}
