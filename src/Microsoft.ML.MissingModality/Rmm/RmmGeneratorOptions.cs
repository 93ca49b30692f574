using Microsoft.ML.MissingModality.Components;
using Microsoft.ML.MissingModality.Recall;

namespace Microsoft.ML.MissingModality.Rmm;

/// <summary>
/// Options of <see cref="RmmGenerator"/>, the paper's relation-aware missing-modal generator (Sec. 3.1). Slots and
/// the loss follow the paper; where it is silent or where our measurements chose otherwise, the default says so.
/// </summary>
public sealed class RmmGeneratorOptions : TorchComponentOptions
{
    /// <summary>Creates the options with the generator's defaults.</summary>
    public RmmGeneratorOptions()
    {
        LearningRate = 1e-3;
        Epochs = 20;
    }

    /// <summary>Slots L of each of the three memories (visual, audio, question).</summary>
    /// <value>Default: 75 (the paper; its Table 5 ablates 25 / 50 / 75 / 100).</value>
    public int Slots { get; set; } = 75;

    /// <summary>How a feature is scored against the slots (Eq. 1).</summary>
    /// <value>Default: <see cref="SlotAddressing.Cosine"/> (the public code's), chosen by measurement: docs/results-v3.md.</value>
    public SlotAddressing Addressing { get; set; } = SlotAddressing.Cosine;

    /// <summary>How the addressing by the available modality and by the question are combined (Eq. 2).</summary>
    /// <value>
    /// Default: <see cref="SlotCombination.NormalizedProduct"/>, chosen by measurement (docs/results-v3.md): the paper's
    /// <see cref="SlotCombination.SoftmaxOfProduct"/> recalls within noise of the training mean.
    /// </value>
    public SlotCombination Combination { get; set; } = SlotCombination.NormalizedProduct;

    /// <summary>
    /// The inverse temperature the addressing scores are multiplied by before Eq. 1's softmax (the paper and its code
    /// use 1). Cosine scores lie in [−1, 1]: at 1, no slot can get more than a few percent of 75 slots' weight.
    /// </summary>
    /// <value>Default: 1 (as printed); see docs/results-v3.md for the measured alternatives.</value>
    public double AddressingScale { get; set; } = 1;

    /// <summary>Whether the addressing scales (by visual, audio and question slots) are learned with the slots, starting at <see cref="AddressingScale"/>.</summary>
    /// <value>Default: false.</value>
    public bool LearnAddressingScale { get; set; }

    /// <summary>Width of the generator's own question feature (its question encoder sits before the answerer in the pipeline).</summary>
    /// <value>Default: 256.</value>
    public int QuestionHiddenSize { get; set; } = 256;

    /// <summary>The column the recalled audio is written to (the shape of <see cref="TorchComponentOptions.AudioColumnName"/>).</summary>
    /// <value>Default: <c>"RecalledAudio"</c>, which <c>AvqaTrainer</c> reads.</value>
    public string RecalledAudioColumnName { get; set; } = "RecalledAudio";

    /// <summary>The column the recalled visual features are written to.</summary>
    /// <value>Default: <c>"RecalledVisual"</c>, which <c>AvqaTrainer</c> reads.</value>
    public string RecalledVisualColumnName { get; set; } = "RecalledVisual";

    /// <summary><paramref name="features"/> (the method and shapes) with the generator's settings from these options.</summary>
    internal RecallModelConfig WithGeneratorSettings(RecallModelConfig features) => features with
    {
        Slots = Slots,
        Addressing = Addressing,
        Combination = Combination,
        AddressingScale = AddressingScale,
        LearnAddressingScale = LearnAddressingScale,
        QuestionHiddenSize = QuestionHiddenSize,
    };

    internal override void Validate()
    {
        base.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(Slots, 1, nameof(Slots));
        ArgumentOutOfRangeException.ThrowIfLessThan(QuestionHiddenSize, 1, nameof(QuestionHiddenSize));
        if (!(AddressingScale > 0) || double.IsInfinity(AddressingScale))
            throw new ArgumentOutOfRangeException(nameof(AddressingScale), AddressingScale, "The addressing scale must be positive and finite.");
        ArgumentException.ThrowIfNullOrWhiteSpace(RecalledAudioColumnName, nameof(RecalledAudioColumnName));
        ArgumentException.ThrowIfNullOrWhiteSpace(RecalledVisualColumnName, nameof(RecalledVisualColumnName));
        if (!Enum.IsDefined(Addressing))
            throw new ArgumentOutOfRangeException(nameof(Addressing), Addressing, "Unknown addressing.");
        if (!Enum.IsDefined(Combination))
            throw new ArgumentOutOfRangeException(nameof(Combination), Combination, "Unknown combination.");
    }
}
