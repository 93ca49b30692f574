using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// The sizes of an <see cref="AvstNetwork"/>. Input sizes (segments, audio size, visual channels and positions,
/// vocabulary) come from the data; the rest default to the AVST paper and public code (hidden 512, 4 heads, dropout 0.1,
/// 42 answers, matching-loss weight 0.5). Plain numbers only, so the ML.NET options layer maps onto it and tests can
/// build tiny networks. Call <see cref="Validate"/> (the network does) before use.
/// </summary>
internal sealed record AvstConfig
{
    /// <summary>Time steps per video, T (10 in MUSIC-AVQA).</summary>
    public required int Segments { get; init; }

    /// <summary>Audio feature size per segment (128 for VGGish).</summary>
    public required int AudioDim { get; init; }

    /// <summary>Visual channels C per position (512 for ResNet-18).</summary>
    public required int VisualChannels { get; init; }

    /// <summary>Visual positions P = H·W per segment (196 for 14×14 maps, 1 for pooled features).</summary>
    public required int VisualPositions { get; init; }

    /// <summary>Whether questions arrive as word ids or as precomputed vectors.</summary>
    public QuestionInputKind QuestionInput { get; init; } = QuestionInputKind.Tokens;

    /// <summary>Word vocabulary size including <c>&lt;pad&gt;</c> = id 0 (93 in MUSIC-AVQA); used with tokens.</summary>
    public int VocabularySize { get; init; }

    /// <summary>Longest accepted token sequence (questions are padded to 14 in MUSIC-AVQA).</summary>
    public int MaxQuestionTokens { get; init; } = 14;

    /// <summary>Size of a precomputed question vector; used with <see cref="QuestionInputKind.Vector"/>.</summary>
    public int QuestionVectorSize { get; init; }

    /// <summary>Width of every hidden feature (a, v, q and the fused feature): 512 in AVST.</summary>
    public int HiddenSize { get; init; } = 512;

    /// <summary>Word embedding size (512 in AVST).</summary>
    public int WordEmbeddingSize { get; init; } = 512;

    /// <summary>Heads of the temporal attention (4 in AVST); must divide <see cref="HiddenSize"/>.</summary>
    public int AttentionHeads { get; init; } = 4;

    /// <summary>
    /// Inner width of the feed-forward block after each temporal attention; null means <see cref="HiddenSize"/>,
    /// which is what AVST's public code does (linear11/linear12 are 512→512), not the usual 4× of a Transformer.
    /// </summary>
    public int? FeedForwardSize { get; init; }

    /// <summary>Dropout of the temporal attention weights and of its feed-forward block (0.1 in AVST).</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>Number of answer classes (42 in MUSIC-AVQA).</summary>
    public int AnswerCount { get; init; } = 42;

    /// <summary>Weight of the audio-visual matching cross-entropy in <see cref="AvstNetwork.Loss(AvstOutput, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor?)"/> (0.5 in AVST).</summary>
    public double MatchingLossWeight { get; init; } = 0.5;

    /// <summary>The feed-forward width actually used.</summary>
    public int FeedForwardWidth => FeedForwardSize ?? HiddenSize;

    /// <summary>A token-question config whose input sizes come from a dataset's feature shape.</summary>
    public static AvstConfig ForFeatures(FeatureShape shape, int vocabularySize)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return new AvstConfig
        {
            Segments = shape.Segments,
            AudioDim = shape.AudioDim,
            VisualChannels = shape.VisualChannels,
            VisualPositions = shape.VisualPositions,
            VocabularySize = vocabularySize,
        };
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid size; returns this config otherwise.</summary>
    public AvstConfig Validate()
    {
        Positive(Segments, nameof(Segments));
        Positive(AudioDim, nameof(AudioDim));
        Positive(VisualChannels, nameof(VisualChannels));
        Positive(VisualPositions, nameof(VisualPositions));
        Positive(HiddenSize, nameof(HiddenSize));
        Positive(AttentionHeads, nameof(AttentionHeads));
        Positive(FeedForwardWidth, nameof(FeedForwardSize));
        if (AnswerCount < 2)
            throw new ArgumentException($"{nameof(AnswerCount)} must be at least 2; got {AnswerCount}.");
        if (HiddenSize % AttentionHeads != 0)
            throw new ArgumentException($"{nameof(AttentionHeads)} ({AttentionHeads}) must divide {nameof(HiddenSize)} ({HiddenSize}).");
        if (!(Dropout >= 0 && Dropout < 1))
            throw new ArgumentException($"{nameof(Dropout)} must be in [0, 1); got {Dropout}.");
        if (!(MatchingLossWeight >= 0) || double.IsInfinity(MatchingLossWeight))
            throw new ArgumentException($"{nameof(MatchingLossWeight)} must be finite and non-negative; got {MatchingLossWeight}.");
        switch (QuestionInput)
        {
            case QuestionInputKind.Tokens:
                if (VocabularySize < 2)
                    throw new ArgumentException($"{nameof(VocabularySize)} must be at least 2 (id 0 is padding) for token questions; got {VocabularySize}.");
                Positive(WordEmbeddingSize, nameof(WordEmbeddingSize));
                Positive(MaxQuestionTokens, nameof(MaxQuestionTokens));
                break;
            case QuestionInputKind.Vector:
                Positive(QuestionVectorSize, nameof(QuestionVectorSize));
                break;
            default:
                throw new ArgumentException($"Unknown {nameof(QuestionInput)} {QuestionInput}.");
        }
        return this;
    }

    private static void Positive(int value, string name)
    {
        if (value < 1)
            throw new ArgumentException($"{name} must be positive; got {value}.");
    }
}
