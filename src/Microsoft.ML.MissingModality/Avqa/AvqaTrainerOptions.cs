using Microsoft.ML.MissingModality.Training;

namespace Microsoft.ML.MissingModality.Avqa;

/// <summary>
/// Options of <see cref="AvqaTrainer"/>, the AVST answer network. Defaults follow AVST (MUSIC-AVQA, CVPR 2022) and the
/// paper's setting where it states one; column names follow the Parquet dataset reader (<c>AvqaColumns</c>).
/// </summary>
public sealed class AvqaTrainerOptions
{
    /// <summary>The answer as a key (apply <c>MapValueToKey</c> to the text answer first).</summary>
    /// <value>Default: <c>"Label"</c>.</value>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>
    /// The question: either a vector of keys (word ids: <c>TokenizeIntoWords</c> then <c>MapValueToKey</c>) or a
    /// known-size vector of Single (a precomputed question embedding).
    /// </summary>
    /// <value>Default: <c>"QuestionTokens"</c>.</value>
    public string QuestionColumnName { get; set; } = "QuestionTokens";

    /// <summary>Audio features with dimensions <c>[T, A]</c> (zeros where missing).</summary>
    /// <value>Default: <c>"Audio"</c>.</value>
    public string AudioColumnName { get; set; } = "Audio";

    /// <summary>Visual features with dimensions <c>[T, C, H, W]</c> or <c>[T, C]</c> (zeros where missing).</summary>
    /// <value>Default: <c>"Visual"</c>.</value>
    public string VisualColumnName { get; set; } = "Visual";

    /// <summary>Optional Boolean flag: the audio is missing, so it is fed as zeros (AVST's baseline rule).</summary>
    /// <value>Default: <c>"AudioMissing"</c>; ignored when the data has no such column.</value>
    public string AudioMissingColumnName { get; set; } = "AudioMissing";

    /// <summary>Optional Boolean flag: the picture is missing, so it is fed as zeros (AVST's baseline rule).</summary>
    /// <value>Default: <c>"VisualMissing"</c>; ignored when the data has no such column.</value>
    public string VisualMissingColumnName { get; set; } = "VisualMissing";

    /// <summary>
    /// Optional text column naming each row's video. Questions of one video share its features, so the audio-visual
    /// matching loss draws its negative pairs only from other videos; without the column every row counts as its own.
    /// </summary>
    /// <value>Default: <c>"VideoId"</c>; ignored when the data has no such column.</value>
    public string VideoIdColumnName { get; set; } = "VideoId";

    /// <summary>Passes over the training data.</summary>
    /// <value>Default: 30.</value>
    public int Epochs { get; set; } = 30;

    /// <summary>Rows per optimisation step.</summary>
    /// <value>Default: 64 (AVST).</value>
    public int BatchSize { get; set; } = 64;

    /// <summary>Adam's learning rate at the start.</summary>
    /// <value>Default: 1e-4 (AVST).</value>
    public double LearningRate { get; set; } = 1e-4;

    /// <summary>The learning rate is multiplied by <see cref="LearningRateDecay"/> every this many epochs.</summary>
    /// <value>Default: 8 (AVST).</value>
    public int LearningRateStepEpochs { get; set; } = 8;

    /// <summary>Factor of each learning-rate step.</summary>
    /// <value>Default: 0.1 (AVST).</value>
    public double LearningRateDecay { get; set; } = 0.1;

    /// <summary>
    /// Data with the same columns as the training input (already through the same preceding transforms), scored
    /// after each epoch; the weights of the best epoch are kept.
    /// </summary>
    /// <value>Default: null (the last epoch's weights are kept).</value>
    public IDataView? ValidationSet { get; set; }

    /// <summary>Stop after this many epochs without a better validation accuracy (needs <see cref="ValidationSet"/>).</summary>
    /// <value>Default: null (never stop early).</value>
    public int? EarlyStoppingPatience { get; set; }

    /// <summary>Seed of the weight initialisation, dropout, negatives and row order.</summary>
    /// <value>Default: null, meaning the MLContext's seed (0 when it has none).</value>
    public int? Seed { get; set; }

    /// <summary>Shuffle the training rows each epoch when the data supports it (the Parquet reader does).</summary>
    /// <value>Default: true.</value>
    public bool Shuffle { get; set; } = true;

    /// <summary>Width of the hidden features.</summary>
    /// <value>Default: 512 (AVST).</value>
    public int HiddenSize { get; set; } = 512;

    /// <summary>Question tokens read per row (longer questions are cut, shorter padded).</summary>
    /// <value>Default: 14 (MUSIC-AVQA).</value>
    public int MaxQuestionTokens { get; set; } = 14;

    /// <summary>Dropout in the temporal attention blocks.</summary>
    /// <value>Default: 0.1 (AVST).</value>
    public double Dropout { get; set; } = 0.1;

    /// <summary>Weight of the audio-visual matching loss.</summary>
    /// <value>Default: 0.5 (AVST).</value>
    public double MatchingLossWeight { get; set; } = 0.5;

    /// <summary>Called after every epoch (on the training thread).</summary>
    /// <value>Default: null.</value>
    public Action<EpochReport>? Progress { get; set; }

    /// <summary>Called after every optimisation step (on the training thread), e.g. to draw a progress bar.</summary>
    /// <value>Default: null.</value>
    public Action<TrainingStep>? StepProgress { get; set; }

    internal void Validate()
    {
        foreach (var (name, value) in new[]
        {
            (nameof(LabelColumnName), LabelColumnName), (nameof(QuestionColumnName), QuestionColumnName),
            (nameof(AudioColumnName), AudioColumnName), (nameof(VisualColumnName), VisualColumnName),
        })
            ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(LearningRateStepEpochs, 1, nameof(LearningRateStepEpochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(HiddenSize, 4, nameof(HiddenSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQuestionTokens, 1, nameof(MaxQuestionTokens));
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "Must be a positive finite number.");
        if (!(LearningRateDecay > 0 && LearningRateDecay <= 1))
            throw new ArgumentOutOfRangeException(nameof(LearningRateDecay), LearningRateDecay, "Must lie in (0, 1].");
        if (!(Dropout >= 0 && Dropout < 1))
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "Must lie in [0, 1).");
        if (!(MatchingLossWeight >= 0) || !double.IsFinite(MatchingLossWeight))
            throw new ArgumentOutOfRangeException(nameof(MatchingLossWeight), MatchingLossWeight, "Must be a non-negative finite number.");
        if (EarlyStoppingPatience is < 1)
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "Must be at least 1.");
        if (EarlyStoppingPatience is not null && ValidationSet is null)
            throw new ArgumentException("Early stopping needs a ValidationSet to watch.", nameof(EarlyStoppingPatience));
    }
}
