namespace Microsoft.ML.MissingModality;

/// <summary>
/// One question as an application sends it to a fitted pipeline through
/// <see cref="MissingModalityCatalog.CreatePredictionEngine"/>: the text and the video's precomputed features, with a
/// flag for a modality that was lost (its features are then ignored; leave them empty).
/// </summary>
public sealed class AvqaQuestion
{
    /// <summary>The question text, e.g. "How many instruments are sounding in the video?".</summary>
    public string Question { get; set; } = "";

    /// <summary>Audio features, <c>[T, A]</c> flattened in C order (VGGish: T = 10, A = 128). Empty when <see cref="AudioMissing"/>.</summary>
    public float[] Audio { get; set; } = [];

    /// <summary>Visual features, <c>[T, C, H, W]</c> (or <c>[T, C]</c>) flattened in C order. Empty when <see cref="VisualMissing"/>.</summary>
    public float[] Visual { get; set; } = [];

    /// <summary>The audio stream is lost: the pipeline recalls it (or AVST alone feeds zeros).</summary>
    public bool AudioMissing { get; set; }

    /// <summary>The picture is lost: the pipeline recalls it (or AVST alone feeds zeros).</summary>
    public bool VisualMissing { get; set; }

    /// <summary>The true answer, when known (for logging next to the prediction); optional when predicting.</summary>
    public string Answer { get; set; } = "";
}

/// <summary>A fitted pipeline's answer to an <see cref="AvqaQuestion"/>.</summary>
public sealed class AvqaAnswer
{
    /// <summary>The answer text, e.g. "two".</summary>
    public string PredictedAnswer { get; set; } = "";

    /// <summary>Probability of each answer of the training vocabulary, in the order of the label's key values.</summary>
    public float[] Score { get; set; } = [];
}
