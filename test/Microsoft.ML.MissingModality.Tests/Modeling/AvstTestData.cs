using Microsoft.ML.MissingModality.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Tests.Modeling;

/// <summary>Tiny AVST configs and seeded random batches, so every network test runs in milliseconds.</summary>
internal static class AvstTestData
{
    public const int Segments = 3, AudioDim = 5, Channels = 6, Positions = 4, Vocabulary = 9, Tokens = 5, Hidden = 8, Answers = 4, QuestionDim = 7;

    public static AvstConfig Config(QuestionInputKind question = QuestionInputKind.Tokens, int positions = Positions, int channels = Channels) => new()
    {
        Segments = Segments,
        AudioDim = AudioDim,
        VisualChannels = channels,
        VisualPositions = positions,
        QuestionInput = question,
        VocabularySize = question == QuestionInputKind.Tokens ? Vocabulary : 0,
        MaxQuestionTokens = Tokens,
        QuestionVectorSize = question == QuestionInputKind.Vector ? QuestionDim : 0,
        HiddenSize = Hidden,
        WordEmbeddingSize = 6,
        AttentionHeads = 2,
        AnswerCount = Answers,
    };

    /// <summary>Random features; token questions end with one padding token.</summary>
    public static AvstBatch Batch(AvstConfig config, int batch, long seed)
    {
        var generator = new Generator((ulong)seed);
        var audio = randn([batch, config.Segments, config.AudioDim], generator: generator);
        var visual = randn([batch, config.Segments, config.VisualChannels, config.VisualPositions], generator: generator);
        if (config.QuestionInput == QuestionInputKind.Vector)
            return new AvstBatch(audio, visual, QuestionVector: randn([batch, config.QuestionVectorSize], generator: generator));
        var tokens = randint(1, config.VocabularySize, [batch, config.MaxQuestionTokens], dtype: int64, generator: generator);
        tokens[TensorIndex.Colon, -1] = tensor(0L);
        return new AvstBatch(audio, visual, QuestionTokens: tokens);
    }

    /// <summary>Same shape and bit-for-bit equal values.</summary>
    public static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    /// <summary>
    /// Equal up to float rounding: the same weights on the same input may differ in the last bit between two forward
    /// passes, because libtorch's CPU kernels choose code paths by memory alignment.
    /// </summary>
    public static bool Close(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.allclose(b, rtol: 1e-5, atol: 1e-6);

    public static Tensor AnswerIds(int batch, long seed) =>
        randint(0, AvstTestData.Answers, [batch], dtype: int64, generator: new Generator((ulong)seed));
}
