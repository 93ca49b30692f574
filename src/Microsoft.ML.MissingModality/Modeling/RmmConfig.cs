namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// The sizes and choices of an <see cref="RmmNetwork"/>. Input sizes come from the data; slots, addressing and
/// combination from the options (paper: 75 slots, Eq. 1 scaled dot product, Eq. 2). Plain values only.
/// </summary>
internal sealed record RmmConfig
{
    public required int Segments { get; init; }

    public required int AudioDim { get; init; }

    public required int VisualChannels { get; init; }

    /// <summary>Visual positions P = H·W (1 for pooled features).</summary>
    public required int VisualPositions { get; init; }

    public QuestionInputKind QuestionInput { get; init; } = QuestionInputKind.Tokens;

    /// <summary>Word vocabulary including <c>&lt;pad&gt;</c> = id 0; used with tokens.</summary>
    public int VocabularySize { get; init; }

    /// <summary>Size of a precomputed question vector; used with vectors.</summary>
    public int QuestionVectorSize { get; init; }

    /// <summary>Width of the generator's own question feature (and of its question slots).</summary>
    public int QuestionHiddenSize { get; init; } = 256;

    /// <summary>Slots L of each of the three memories (paper: 75).</summary>
    public int Slots { get; init; } = 75;

    public SlotAddressing Addressing { get; init; } = SlotAddressing.ScaledDot;

    public SlotCombination Combination { get; init; } = SlotCombination.SoftmaxOfProduct;

    /// <summary>
    /// The factor the addressing scores are multiplied by before the softmax of Eq. 1 (an inverse temperature; 1 as
    /// printed). Cosine scores lie in [−1, 1], so at 1 no slot can stand out among 75.
    /// </summary>
    public double AddressingScale { get; init; } = 1;

    /// <summary>Whether the three addressing scales (by visual, audio and question) are trained with the slots.</summary>
    public bool LearnAddressingScale { get; init; }

    public RecallShape Shape => new(Segments, AudioDim, VisualChannels, VisualPositions);

    /// <summary>Size of one visual slot: a whole map, C·P.</summary>
    public int VisualSlotSize => VisualChannels * VisualPositions;

    public RmmConfig Validate()
    {
        foreach (var (value, name) in new[] { (Segments, nameof(Segments)), (AudioDim, nameof(AudioDim)), (VisualChannels, nameof(VisualChannels)),
                     (VisualPositions, nameof(VisualPositions)), (QuestionHiddenSize, nameof(QuestionHiddenSize)), (Slots, nameof(Slots)) })
        {
            if (value < 1)
                throw new ArgumentException($"{name} must be positive; got {value}.");
        }
        if (!(AddressingScale > 0) || double.IsInfinity(AddressingScale))
            throw new ArgumentException($"{nameof(AddressingScale)} must be positive and finite; got {AddressingScale}.");
        if (QuestionInput == QuestionInputKind.Tokens && VocabularySize < 2)
            throw new ArgumentException($"{nameof(VocabularySize)} must be at least 2 for token questions; got {VocabularySize}.");
        if (QuestionInput == QuestionInputKind.Vector && QuestionVectorSize < 1)
            throw new ArgumentException($"{nameof(QuestionVectorSize)} must be positive for vector questions; got {QuestionVectorSize}.");
        return this;
    }
}
