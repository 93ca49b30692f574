namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>
/// The latent scene behind one synthetic video: the ground truth every answer is computed from and both
/// modalities are rendered from. Audio sees only what sounds; the picture sees only what is on screen.
/// </summary>
/// <param name="Segments">Number of time segments (10 in MUSIC-AVQA).</param>
/// <param name="Ensemble">The latent style (<c>classical</c>, <c>chinese</c>, <c>folk</c>) that drew the instruments and the venue.</param>
/// <param name="Indoor">Whether the performance is indoors (else outdoors).</param>
/// <param name="Instruments">Every instrument: on screen (sounding or silent) and off screen (sounding).</param>
/// <param name="Voiceover">Loudness of a speaking voice per segment; all zeros when there is no voiceover.</param>
public sealed record Scene(int Segments, string Ensemble, bool Indoor, IReadOnlyList<SceneInstrument> Instruments, IReadOnlyList<float> Voiceover)
{
    /// <summary>Instruments on screen, sounding or not.</summary>
    public IEnumerable<SceneInstrument> Visible => Instruments.Where(i => i.OnScreen);

    /// <summary>Instruments heard at some point, on or off screen.</summary>
    public IEnumerable<SceneInstrument> Heard => Instruments.Where(i => i.IsSounding);

    /// <summary>Instruments both on screen and heard at some point.</summary>
    public IEnumerable<SceneInstrument> VisibleSounding => Instruments.Where(i => i.OnScreen && i.IsSounding);

    /// <summary>Whether a voice speaks over the music in some segment.</summary>
    public bool HasVoiceover => Voiceover.Any(v => v > 0);

    /// <summary>The venue answer: <c>indoor</c> or <c>outdoor</c>.</summary>
    public string Venue => Indoor ? "indoor" : "outdoor";

    /// <summary>The region of a horizontal position: <c>left</c> below 1/3, <c>right</c> above 2/3, else <c>middle</c>.</summary>
    public static string RegionOf(float x) => x < 1f / 3 ? "left" : x > 2f / 3 ? "right" : "middle";
}
