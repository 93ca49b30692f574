using Microsoft.ML.MissingModality.Components;
using Microsoft.ML.MissingModality.Internal;
using Microsoft.ML.MissingModality.Modeling;
using Microsoft.ML.MissingModality.Training;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Recall;

/// <summary>
/// Fits a simple recaller — zero fill, training mean, nearest neighbour or per-segment ridge regression — on the
/// rows that have both modalities, in one pass, and produces a <see cref="RecallTransformer"/> with the same output
/// contract as the RMM generator's, so that each can stand where RMM stands.
/// </summary>
public sealed class RecallBaselineEstimator : IEstimator<RecallTransformer>
{
    private readonly MLContext _context;
    private readonly RecallBaselineOptions _options;

    internal RecallBaselineEstimator(MLContext context, RecallBaselineOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _context = context;
        _options = options;
    }

    /// <summary>Fits the recaller on the complete rows of <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type or shape; the message names it.</exception>
    /// <exception cref="InvalidDataException">A value is NaN or infinite, or no row has both modalities.</exception>
    public RecallTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var names = new FeatureColumnNames(_options.AudioColumnName, _options.VisualColumnName, Question: "",
            _options.AudioMissingColumnName, _options.VisualMissingColumnName, RecalledAudio: "", RecalledVisual: "", MaxQuestionTokens: 1);
        var binding = FeatureBinding.FromSchema(input.Schema, names, readRecalled: false);
        var config = RecallOutput.BaseConfig(input, _options.AudioColumnName, _options.VisualColumnName, _options.Method) with
        {
            L2Regularization = _options.L2Regularization,
        };
        var device = MLContextDevice.Select(_context);
        IRecallFitter fitter = _options.Method switch
        {
            RecallMethod.ZeroFill => new ZeroRecallModel(config.Shape),
            RecallMethod.Mean => new MeanRecallModel(config.Shape),
            RecallMethod.NearestNeighbour => new NearestNeighbourRecallModel.Fitter(config.Shape, _options.NearestNeighbourCapacity),
            RecallMethod.Linear => new SegmentLinearRecallModel(config.Shape, _options.L2Regularization),
            _ => throw new ArgumentOutOfRangeException(nameof(RecallBaselineOptions.Method), _options.Method, "Not a baseline."),
        };
        ((fitter as torch.nn.Module))?.to(device);
        var source = new DataViewBatchSource(input, binding, labelColumn: null, _options.BatchSize, shuffleSeed: null,
            skipUnknownAnswers: false, _options.VideoIdColumnName, completeRowsOnly: true) { PrefetchBatches = 1 };
        foreach (var batch in source.ReadEpoch(epoch: 0))
        {
            using var scope = torch.NewDisposeScope();
            var (audio, visual) = BatchTensors.Pair(batch, config.Shape, device);
            fitter.Accumulate(audio, visual, new ArraySegment<long>(batch.VideoKeys, 0, batch.Count));
        }
        var model = fitter.Complete();
        if (model is NearestNeighbourRecallModel bank)
            config = config with { BankVideos = bank.Videos };
        HostLog.Info(_context, nameof(RecallBaselineEstimator), $"Fitted the {_options.Method} recaller ({source.SkippedRows} rows lacking a modality skipped).");
        return new RecallTransformer(_context, binding, config, model, _options.RecalledAudioColumnName, _options.RecalledVisualColumnName, _options.BatchSize);
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => RecallOutput.OutputSchema(inputSchema,
        _options.AudioColumnName, _options.VisualColumnName, _options.RecalledAudioColumnName, _options.RecalledVisualColumnName);
}
