using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.MissingModality.Modeling;

namespace Microsoft.ML.MissingModality.Recall;

/// <summary>
/// Everything that shapes a recaller's network, saved as JSON in the model zip with a format number, so that a zip
/// written by a newer library fails with a clear message instead of misreading weights.
/// </summary>
internal sealed record RecallModelConfig
{
    // 2: RMM addressing scales (format 1 zips load with the scale 1 they were trained with)
    public const int CurrentFormat = 2;

    // Properties with a default are settable, not init-only: source-generated JSON (LibraryJson) keeps a default
    // only for a settable property that the JSON leaves out.
    public int Format { get; set; } = CurrentFormat;

    public required RecallMethod Method { get; init; }

    /// <summary>The audio column's dimensions, <c>[T, A]</c>.</summary>
    public required int[] AudioDimensions { get; init; }

    /// <summary>The visual column's dimensions, <c>[T, C, H, W]</c> or <c>[T, C]</c>.</summary>
    public required int[] VisualDimensions { get; init; }

    public int Slots { get; init; }

    public SlotAddressing Addressing { get; init; }

    public SlotCombination Combination { get; init; }

    /// <summary>RMM's initial (or fixed) addressing scale; absent from format 1, whose networks used 1.</summary>
    public double AddressingScale { get; set; } = 1;

    public bool LearnAddressingScale { get; init; }

    /// <summary>Whether the saved weights hold every parameter of <see cref="CreateEmpty"/>'s network (format 1 lacks the addressing scales).</summary>
    [JsonIgnore]
    public bool WeightsComplete => Format >= 2;

    public int QuestionHiddenSize { get; init; }

    public bool QuestionIsTokens { get; init; }

    public int VocabularySize { get; init; }

    public int QuestionVectorSize { get; init; }

    /// <summary>Videos in a nearest-neighbour bank.</summary>
    public int BankVideos { get; init; }

    public double L2Regularization { get; init; }

    [JsonIgnore]
    public RecallShape Shape => new(AudioDimensions[0], AudioDimensions[1], VisualDimensions[1],
        VisualDimensions.Length == 4 ? VisualDimensions[2] * VisualDimensions[3] : 1);

    public RmmConfig ToRmmConfig() => new()
    {
        Segments = Shape.Segments,
        AudioDim = Shape.AudioDim,
        VisualChannels = Shape.VisualChannels,
        VisualPositions = Shape.VisualPositions,
        QuestionInput = QuestionIsTokens ? QuestionInputKind.Tokens : QuestionInputKind.Vector,
        VocabularySize = VocabularySize,
        QuestionVectorSize = QuestionVectorSize,
        QuestionHiddenSize = QuestionHiddenSize,
        Slots = Slots,
        Addressing = Addressing,
        Combination = Combination,
        AddressingScale = AddressingScale,
        LearnAddressingScale = LearnAddressingScale,
    };

    /// <summary>An untrained network of this architecture, to load saved weights into.</summary>
    public IRecallModel CreateEmpty() => Method switch
    {
        RecallMethod.ZeroFill => new ZeroRecallModel(Shape),
        RecallMethod.Mean => new MeanRecallModel(Shape),
        RecallMethod.NearestNeighbour => new NearestNeighbourRecallModel(Shape, BankVideos),
        RecallMethod.Linear => new SegmentLinearRecallModel(Shape, L2Regularization),
        RecallMethod.Rmm => new RmmNetwork(ToRmmConfig()),
        _ => throw new InvalidDataException($"Unknown recall method {Method}."),
    };

    public string ToJson() => JsonSerializer.Serialize(this, Internal.LibraryJson.Default.RecallModelConfig);

    public static RecallModelConfig FromJson(string json)
    {
        RecallModelConfig? config;
        try
        {
            config = JsonSerializer.Deserialize(json, Internal.LibraryJson.Default.RecallModelConfig);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The recaller's saved configuration is not valid: {e.Message}", e);
        }
        if (config is null)
            throw new InvalidDataException("The recaller's saved configuration is empty.");
        if (config.Format > CurrentFormat)
            throw new InvalidDataException(
                $"This model zip holds a recaller saved in format {config.Format}; this version of the library reads formats up to {CurrentFormat}. Upgrade Microsoft.ML.MissingModality.");
        if (config.AudioDimensions is not { Length: 2 } || config.VisualDimensions is not { Length: 2 or 4 })
            throw new InvalidDataException("The recaller's saved configuration has invalid feature dimensions.");
        return config;
    }
}
