namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>How the AVST network receives the question.</summary>
internal enum QuestionInputKind
{
    /// <summary>Padded word ids <c>[B, L]</c> (int64, 0 = padding), encoded by embedding + LSTM as in AVST.</summary>
    Tokens,

    /// <summary>
    /// A precomputed float question vector <c>[B, QuestionVectorSize]</c> (e.g. from a sentence encoder), mapped to the
    /// hidden size by one Linear layer. Not in the paper: lets datasets without a word vocabulary use the backbone.
    /// </summary>
    Vector,
}
