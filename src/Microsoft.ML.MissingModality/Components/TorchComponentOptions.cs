using Microsoft.ML.MissingModality.Training;

namespace Microsoft.ML.MissingModality.Components;

/// <summary>
/// What every trained component of the library shares: the feature columns it reads and how it trains (epochs,
/// batch, Adam with step decay, validation, early stopping, seed, progress). Each component's options derive from it
/// and document their own defaults.
/// </summary>
public abstract class TorchComponentOptions
{
    /// <summary>
    /// The question: either a vector of keys (word ids: <c>FeaturizeQuestion</c>, or <c>TokenizeIntoWords</c> then
    /// <c>MapValueToKey</c>) or a known-size vector of Single (a precomputed question embedding).
    /// </summary>
    /// <value>Default: <c>"QuestionTokens"</c>.</value>
    public string QuestionColumnName { get; set; } = "QuestionTokens";

    /// <summary>Audio features with dimensions <c>[T, A]</c> (zeros where missing).</summary>
    /// <value>Default: <c>"Audio"</c>.</value>
    public string AudioColumnName { get; set; } = "Audio";

    /// <summary>Visual features with dimensions <c>[T, C, H, W]</c> or <c>[T, C]</c> (zeros where missing).</summary>
    /// <value>Default: <c>"Visual"</c>.</value>
    public string VisualColumnName { get; set; } = "Visual";

    /// <summary>Optional Boolean flag: the audio is absent from the source.</summary>
    /// <value>Default: <c>"AudioMissing"</c>; without such a column every row has its audio.</value>
    public string AudioMissingColumnName { get; set; } = "AudioMissing";

    /// <summary>Optional Boolean flag: the picture is absent from the source.</summary>
    /// <value>Default: <c>"VisualMissing"</c>; without such a column every row has its picture.</value>
    public string VisualMissingColumnName { get; set; } = "VisualMissing";

    /// <summary>Question tokens read per row (longer questions are cut, shorter padded).</summary>
    /// <value>Default: 14 (MUSIC-AVQA).</value>
    public int MaxQuestionTokens { get; set; } = 14;

    /// <summary>Passes over the training data.</summary>
    /// <value>Default: 30.</value>
    public int Epochs { get; set; } = 30;

    /// <summary>Rows per optimisation step.</summary>
    /// <value>Default: 64 (AVST).</value>
    public int BatchSize { get; set; } = 64;

    /// <summary>Adam's learning rate at the start.</summary>
    /// <value>The component's own default (1e-4 for the answerer, AVST's).</value>
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

    /// <summary>Stop after this many epochs without a better validation score (needs <see cref="ValidationSet"/>).</summary>
    /// <value>Default: null (never stop early).</value>
    public int? EarlyStoppingPatience { get; set; }

    /// <summary>Seed of the weight initialisation, dropout, negatives and row order.</summary>
    /// <value>Default: null, meaning the MLContext's seed (0 when it has none).</value>
    public int? Seed { get; set; }

    /// <summary>Shuffle the training rows each epoch when the data supports it (the Parquet reader does).</summary>
    /// <value>Default: true.</value>
    public bool Shuffle { get; set; } = true;

    /// <summary>
    /// A folder for training checkpoints. After every epoch an atomic checkpoint (weights, optimizer state, learning-rate
    /// schedule, random state, epoch, best-so-far weights) is written there; a later <c>Fit</c> with the same options and
    /// data resumes after the last complete epoch, and ends with the same weights as a run never interrupted. Give each
    /// component its own folder (the CLI's <c>--checkpoint DIR</c> uses one subfolder per component).
    /// </summary>
    /// <value>Default: null (no checkpoints).</value>
    public string? CheckpointDirectory { get; set; }

    /// <summary>
    /// Batches read ahead on a background thread while the network trains on the current one, so that reading,
    /// decoding and copying overlap with compute. Each costs one batch of memory (at MUSIC-AVQA's shapes and batch
    /// 64, 257 MB; the full method's answerer batch arrives in chunks of 133 MB there, and one chunk is read ahead),
    /// and no more are read ahead than fit 512 MiB; results are the same for any value.
    /// </summary>
    /// <value>Default: 1. 0 reads on the training thread.</value>
    public int PrefetchBatches { get; set; } = 1;

    /// <summary>Called after every epoch (on the training thread).</summary>
    /// <value>Default: null.</value>
    public Action<EpochReport>? Progress { get; set; }

    /// <summary>Called after every optimisation step (on the training thread), e.g. to draw a progress bar.</summary>
    /// <value>Default: null.</value>
    public Action<TrainingStep>? StepProgress { get; set; }

    internal virtual void Validate()
    {
        foreach (var (name, value) in new[]
        {
            (nameof(QuestionColumnName), QuestionColumnName), (nameof(AudioColumnName), AudioColumnName), (nameof(VisualColumnName), VisualColumnName),
        })
            ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(LearningRateStepEpochs, 1, nameof(LearningRateStepEpochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQuestionTokens, 1, nameof(MaxQuestionTokens));
        ArgumentOutOfRangeException.ThrowIfNegative(PrefetchBatches, nameof(PrefetchBatches));
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "Must be a positive finite number.");
        if (!(LearningRateDecay > 0 && LearningRateDecay <= 1))
            throw new ArgumentOutOfRangeException(nameof(LearningRateDecay), LearningRateDecay, "Must lie in (0, 1].");
        if (EarlyStoppingPatience is < 1)
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "Must be at least 1.");
        if (EarlyStoppingPatience is not null && ValidationSet is null)
            throw new ArgumentException("Early stopping needs a ValidationSet to watch.", nameof(EarlyStoppingPatience));
    }

    /// <summary>
    /// A copy of these options that reads the input columns of <paramref name="inputs"/> and trains with its seed: a
    /// joint training runs its components on its own input, without changing the options the user gave it.
    /// </summary>
    internal TOptions ReadingInputsOf<TOptions>(TorchComponentOptions inputs, int seed) where TOptions : TorchComponentOptions
    {
        var copy = (TOptions)MemberwiseClone();
        copy.QuestionColumnName = inputs.QuestionColumnName;
        copy.AudioColumnName = inputs.AudioColumnName;
        copy.VisualColumnName = inputs.VisualColumnName;
        copy.AudioMissingColumnName = inputs.AudioMissingColumnName;
        copy.VisualMissingColumnName = inputs.VisualMissingColumnName;
        copy.MaxQuestionTokens = inputs.MaxQuestionTokens;
        copy.Seed = seed;
        copy.ValidationSet = null;
        copy.EarlyStoppingPatience = null;
        copy.Progress = null;
        copy.StepProgress = null;
        return copy;
    }

    internal virtual FeatureColumnNames ColumnNames => new(AudioColumnName, VisualColumnName, QuestionColumnName,
        AudioMissingColumnName, VisualMissingColumnName, RecalledAudio: "", RecalledVisual: "", MaxQuestionTokens);
}
