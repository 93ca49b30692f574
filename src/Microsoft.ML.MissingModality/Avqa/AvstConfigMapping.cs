using Microsoft.ML.MissingModality.Components;
using Microsoft.ML.MissingModality.Modeling;

namespace Microsoft.ML.MissingModality.Avqa;

/// <summary>Maps the input binding and the options that shape the network onto a plain <see cref="AvstConfig"/>.</summary>
internal static class AvstConfigMapping
{
    public static AvstConfig ToAvstConfig(this FeatureBinding binding, int hiddenSize, double dropout, double matchingLossWeight, int answerCount) => new()
    {
        Segments = binding.Segments,
        AudioDim = binding.AudioDim,
        VisualChannels = binding.VisualChannels,
        VisualPositions = binding.VisualPositions,
        QuestionInput = binding.QuestionIsTokens ? QuestionInputKind.Tokens : QuestionInputKind.Vector,
        VocabularySize = binding.QuestionIsTokens ? binding.VocabularySize : 0,
        MaxQuestionTokens = binding.QuestionIsTokens ? binding.QuestionLength : 14,
        QuestionVectorSize = binding.QuestionIsTokens ? 0 : binding.QuestionLength,
        HiddenSize = hiddenSize,
        WordEmbeddingSize = hiddenSize,
        Dropout = dropout,
        AnswerCount = answerCount,
        MatchingLossWeight = matchingLossWeight,
    };
}
