using Microsoft.ML.MissingModality.Internal;
using Microsoft.ML.MissingModality.Training;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Components;

/// <summary>
/// Base of the library's trained estimators: the seed (the options', else the MLContext's), the device (from the
/// MLContext's <c>GpuDeviceId</c> and <c>FallbackToCpu</c>), the schedule, and a training run that logs every epoch
/// to the MLContext and reports progress to the options' callbacks.
/// </summary>
/// <typeparam name="TTransformer">The fitted transformer.</typeparam>
public abstract class TorchEstimatorBase<TTransformer> : IEstimator<TTransformer> where TTransformer : class, ITransformer
{
    private readonly TorchComponentOptions _options;

    private protected TorchEstimatorBase(MLContext context, TorchComponentOptions options, string componentName)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Context = context;
        _options = options;
        ComponentName = componentName;
    }

    private protected MLContext Context { get; }

    private protected string ComponentName { get; }

    /// <summary>Trains on <paramref name="input"/> (validating on the options' validation set, if any).</summary>
    public abstract TTransformer Fit(IDataView input);

    /// <summary>The input shape plus the columns the fitted transformer adds.</summary>
    public abstract SchemaShape GetOutputSchema(SchemaShape inputSchema);

    private protected int ResolveSeed() => _options.Seed ?? HostLog.ContextSeed(Context) ?? 0;

    private protected torch.Device SelectDevice() => MLContextDevice.Select(Context);

    /// <summary>
    /// The batch sources of a component that learns from rows with both modalities (the recallers, the diffusion):
    /// the training rows shuffled by the options, the validation set's in order; rows missing a modality are skipped.
    /// When the component's step takes rows in chunks of <see cref="RowChunks.FeatureBudgetBytes"/> anyway
    /// (<paramref name="stepTakesChunks"/>: the diffusion's), they are read so as well, which keeps two chunks in memory
    /// instead of two batches (at MUSIC-AVQA's shapes 64 MB instead of 514 MB) for the same steps. A step that takes the
    /// whole batch at once (the RMM generator's, part of whose cost is per pass, not per row) reads whole batches.
    /// </summary>
    private protected (DataViewBatchSource Train, DataViewBatchSource? Validation) CompleteRowSources(IDataView input, FeatureBinding binding, int seed, bool stepTakesChunks)
    {
        int chunkRows = stepTakesChunks ? RowChunks.Balanced(_options.BatchSize, binding.BatchRowFloats, RowChunks.FeatureBudgetBytes) : _options.BatchSize;
        var train = new DataViewBatchSource(input, binding, labelColumn: null, _options.BatchSize, _options.Shuffle ? seed : null,
            skipUnknownAnswers: false, completeRowsOnly: true, chunkRows: chunkRows) { PrefetchBatches = _options.PrefetchBatches };
        var validation = _options.ValidationSet is null ? null
            : new DataViewBatchSource(_options.ValidationSet, binding, labelColumn: null, chunkRows, shuffleSeed: null,
                skipUnknownAnswers: false, completeRowsOnly: true) { PrefetchBatches = _options.PrefetchBatches, BatchPool = train.BatchPool };
        return (train, validation);
    }

    /// <summary>
    /// Runs a check of the validation set's schema; a failure says it is the validation set that does not fit, and how
    /// to make it fit (a raw validation set handed to a component inside a pipeline lacks the columns the preceding
    /// transforms add).
    /// </summary>
    private protected void CheckValidationSet(Action<IDataView> check)
    {
        if (_options.ValidationSet is not { } validationSet)
            return;
        try
        {
            check(validationSet);
        }
        catch (ArgumentException e) when (e.ParamName != nameof(TorchComponentOptions.ValidationSet))
        {
            throw new ArgumentOutOfRangeException(nameof(TorchComponentOptions.ValidationSet),
                $"The validation set does not fit this {ComponentName}: {e.Message.Split(" (Parameter")[0]} It needs the same columns as the training input: " +
                "pass it through the same preceding transforms (the fitted prefix's Transform) before setting ValidationSet.");
        }
    }

    private protected void Info(string message) => HostLog.Info(Context, ComponentName, message);

    private protected void Warning(string message) => HostLog.Warning(Context, ComponentName, message);

    /// <summary>Runs <see cref="TrainingLoop"/> with the options' schedule, logging and callbacks.</summary>
    private protected void Train(ITrainingObjective objective, IBatchSource train, IBatchSource? validation, torch.Device device, int seed, long? trainRows)
    {
        var schedule = new TrainingSchedule
        {
            Epochs = _options.Epochs,
            LearningRate = _options.LearningRate,
            LearningRateStepEpochs = _options.LearningRateStepEpochs,
            LearningRateDecay = _options.LearningRateDecay,
            EarlyStoppingPatience = _options.EarlyStoppingPatience,
            Seed = seed,
        };
        int? stepsPerEpoch = trainRows is long rows ? (int)((rows + _options.BatchSize - 1) / _options.BatchSize) : null;
        var checkpoint = _options.CheckpointDirectory is { } folder
            ? new TrainingCheckpoint(Path.Combine(folder, ComponentName), Fingerprint(objective, schedule, trainRows, validation is not null))
            : null;
        try
        {
            TrainingLoop.Train(objective, schedule, train, validation, device, report =>
            {
                Info(report.ToString());
                _options.Progress?.Invoke(report);
            }, _options.StepProgress, stepsPerEpoch, checkpoint: checkpoint);
        }
        finally
        {
            // The next component of the pipeline trains after this one: it should not start on top of this one's batches.
            train.ReleaseBatches();
            validation?.ReleaseBatches();
            ProcessMemory.ReleaseAfterTraining();
        }
    }

    /// <summary>
    /// What a checkpoint must match to be resumed: the schedule (all but the epoch count, which a resumed run may
    /// raise), the batch, the data's size and the network's parameter shapes.
    /// </summary>
    private string Fingerprint(ITrainingObjective objective, TrainingSchedule schedule, long? trainRows, bool validated)
    {
        var text = new System.Text.StringBuilder(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{ComponentName};seed {schedule.Seed};lr {schedule.LearningRate:R};step {schedule.LearningRateStepEpochs};decay {schedule.LearningRateDecay:R};" +
            $"patience {schedule.EarlyStoppingPatience};batch {_options.BatchSize};shuffle {_options.Shuffle};rows {trainRows};validated {validated}"));
        foreach (var (name, parameter) in objective.Network.named_parameters())
            text.Append(';').Append(name).Append('[').Append(string.Join(",", parameter.shape)).Append(']');
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
