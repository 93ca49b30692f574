using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Columns;
using Microsoft.ML.MissingModality.Components;
using Microsoft.ML.MissingModality.Diffusion;
using Microsoft.ML.MissingModality.Internal;
using Microsoft.ML.MissingModality.Modeling;
using Microsoft.ML.MissingModality.Training;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Avr;

/// <summary>
/// Trains the paper's audio-visual relation-aware diffusion (AVR, Sec. 3.2) on the real pairs of the rows that have
/// both modalities, with the AVE loss (Eq. 7), and produces an <see cref="AvrTransformer"/> that takes each
/// (recalled, real) pair through the reverse process. Put it after a recaller (<c>RmmGenerator</c>, or
/// <c>RecallBaseline(RecallMethod.ZeroFill)</c> for the paper's "AVR only") and before <c>AvqaTrainer</c>, which then
/// trains Eq. 8 on the enhanced pairs and answers a row with a missing modality from its enhanced pair.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Column</term><description>Type</description></listheader>
/// <item><term>Audio, Visual</term><description>known-size vectors of Single, <c>[T, A]</c> and <c>[T, C, H, W]</c> (or <c>[T, C]</c>)</description></item>
/// <item><term>RecalledAudio, RecalledVisual</term><description>a recaller's outputs, the same shapes</description></item>
/// <item><term>AudioMissing, VisualMissing (optional)</term><description>Boolean; flagged rows are not trained on</description></item>
/// <item><term>Output: EnhancedRecalledAudio, EnhancedVisualWithRecalledAudio</term><description>the enhanced (recalled audio, real picture) pair; zeros without the picture</description></item>
/// <item><term>Output: EnhancedAudioWithRecalledVisual, EnhancedRecalledVisual</term><description>the enhanced (real audio, recalled picture) pair; zeros without the audio</description></item>
/// </list>
/// The diffusion runs on standardised features (per audio dimension and visual channel, from the training rows);
/// the epoch with the best validation denoising R² is kept.
/// </remarks>
public sealed class AvrDiffusion : TorchEstimatorBase<AvrTransformer>
{
    private readonly AvrDiffusionOptions _options;

    internal AvrDiffusion(MLContext context, AvrDiffusionOptions options) : base(context, options, nameof(AvrDiffusion))
    {
        _options = options;
    }

    /// <summary>Trains the denoiser on the complete rows of <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type or shape (the recalled columns included); the message names it.</exception>
    /// <exception cref="InvalidDataException">A value is NaN or infinite, or no row has both modalities.</exception>
    public override AvrTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int seed = ResolveSeed();
        var device = SelectDevice();
        var prepared = Prepare(input.Schema, input, seed, device);
        var config = prepared.Config;
        Info($"Training the AVR diffusion on {device}: T = {config.DiffusionSteps} ({config.Schedule}), {config.Prediction} prediction, width {config.Width}, {config.Blocks} blocks.");
        using var objective = new AveObjective(prepared.Diffusion, config.Shape, seed);
        Train(objective, prepared.Train, prepared.Validation, device, seed, input.GetRowCount());
        if (prepared.Train.SkippedRows > 0)
            Info($"{prepared.Train.SkippedRows} training rows per epoch lack a modality; the diffusion learns from the others.");
        return CreateTransformer(prepared);
    }

    /// <summary>
    /// Everything before training: the binding read off <paramref name="schema"/> (which must carry the recalled
    /// columns), the config, the network with its standardisation fitted on the complete rows of
    /// <paramref name="data"/>, and the complete-row batch sources over <paramref name="data"/>. The sources read only
    /// the real pair, so the recaller upstream is not run for training. A joint training passes the raw rows as
    /// <paramref name="data"/> and the recaller's output schema as <paramref name="schema"/>.
    /// </summary>
    internal PreparedAvr Prepare(DataViewSchema schema, IDataView data, int seed, torch.Device device)
    {
        var binding = FeatureBinding.FromSchema(schema, _options.ColumnNames);
        if (!binding.HasRecalled)
            throw new ArgumentOutOfRangeException("input",
                $"The AVR diffusion enhances recalled features, but the input has no '{_options.RecalledAudioColumnName}' and '{_options.RecalledVisualColumnName}' columns: put a recaller (RmmGenerator, or RecallBaseline) before it.");
        var realPair = binding with { RecalledAudioColumn = null, RecalledVisualColumn = null };
        CheckValidationSet(validationSet => realPair.CheckCompatible(validationSet.Schema));
        var config = _options.ToModelConfig([.. ((VectorDataViewType)schema[_options.AudioColumnName].Type).Dimensions],
            [.. ((VectorDataViewType)schema[_options.VisualColumnName].Type).Dimensions], noiseSeed: seed);
        var scheduler = CreateScheduler(config);
        AvrNetwork network;
        using (var initialization = new torch.Generator((ulong)seed))
            network = new AvrNetwork(config.ToNetworkConfig(), initialization);
        var (train, validation) = CompleteRowSources(data, realPair, seed, stepTakesChunks: true);
        network.to(device);
        FitStandardization(network, train, config.Shape, device);
        return new PreparedAvr(binding, config, network, new AudioVisualDiffusion(network, scheduler, config.Prediction), train, validation);
    }

    /// <summary>The transformer over a prepared (and trained) diffusion.</summary>
    internal AvrTransformer CreateTransformer(PreparedAvr prepared) =>
        new(Context, prepared.Binding, prepared.Config, prepared.Network, _options.EnhancedColumns, _options.BatchSize);

    /// <inheritdoc/>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaChecks.SingleVector(inputSchema, _options.AudioColumnName, "Audio");
        SchemaChecks.SingleVector(inputSchema, _options.VisualColumnName, "Visual");
        SchemaChecks.SingleVector(inputSchema, _options.RecalledAudioColumnName, "Recalled audio");
        SchemaChecks.SingleVector(inputSchema, _options.RecalledVisualColumnName, "Recalled visual");
        return SchemaShapeColumns.With(inputSchema,
            _options.EnhancedColumns.All.Select(name => SchemaShapeColumns.Vector(name, NumberDataViewType.Single)).ToArray());
    }

    private static DiffusionScheduler CreateScheduler(AvrModelConfig config)
    {
        try
        {
            return config.CreateScheduler();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentOutOfRangeException(nameof(AvrDiffusionOptions.Schedule), $"{e.Message} (AvrDiffusionOptions.Schedule {config.Schedule}, DiffusionSteps {config.DiffusionSteps})");
        }
    }

    // Per audio dimension and visual channel, over every complete training row (one pass, in double precision). The
    // sums are updated in place: a new small tensor kept alive per batch would sit between each batch's freed
    // multi-megabyte temporaries and keep the allocator from reusing them (the resident set grew by 3-5 GB over one pass
    // of 960 MUSIC-AVQA-shaped rows).
    private static void FitStandardization(AvrNetwork network, IBatchSource train, RecallShape shape, torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        var audioSum = torch.zeros(shape.AudioDim, torch.ScalarType.Float64, device);
        var audioSquares = torch.zeros(shape.AudioDim, torch.ScalarType.Float64, device);
        var visualSum = torch.zeros(shape.VisualChannels, torch.ScalarType.Float64, device);
        var visualSquares = torch.zeros(shape.VisualChannels, torch.ScalarType.Float64, device);
        long pairs = 0, positions = 0;
        int chunkRows = RowChunks.Rows(int.MaxValue, shape.RowFloats);
        foreach (var batch in train.ReadEpoch(epoch: 0))
        {
            using var batchScope = torch.NewDisposeScope();
            var (audio, visual) = BatchTensors.Pair(batch, shape, device);
            // In row chunks: the double-precision copies of a whole MUSIC-AVQA batch of 64 would be 1.5 GB.
            foreach (var (start, length) in RowChunks.Ranges(batch.Count, chunkRows))
            {
                using var step = torch.NewDisposeScope();
                var a = audio.narrow(0, start, length).reshape(-1, shape.AudioDim).to_type(torch.ScalarType.Float64);
                // Channels first, then one row per channel: [B, T, C, P] → [C, B, T, P] → [C, B·T·P].
                var v = visual.narrow(0, start, length).permute(2, 0, 1, 3).reshape(shape.VisualChannels, -1).to_type(torch.ScalarType.Float64);
                audioSum.PlusInPlace(a.sum([0]));
                audioSquares.PlusInPlace(a.Squared().sum([0]));
                visualSum.PlusInPlace(v.sum([1]));
                visualSquares.PlusInPlace(v.Squared().sum([1]));
                pairs += a.shape[0];
                positions += v.shape[1];
            }
        }
        if (pairs == 0)
            throw new InvalidDataException("The AVR diffusion needs rows with both modalities; the training data has none.");
        network.SetStandardization(Moments(audioSum, audioSquares, pairs), Moments(visualSum, visualSquares, positions));
    }

    private static (torch.Tensor Mean, torch.Tensor Std) Moments(torch.Tensor sum, torch.Tensor squares, long count)
    {
        var mean = sum.DividedBy(count);
        var variance = (squares.DividedBy(count) - mean.Squared()).AtLeast(0).Times(count).DividedBy(Math.Max(1, count - 1));
        return (mean.to_type(torch.ScalarType.Float32), variance.sqrt().to_type(torch.ScalarType.Float32));
    }
}

/// <summary>An AVR diffusion ready to train: its binding (recalled columns included), saved config, network, diffusion and batch sources.</summary>
internal sealed record PreparedAvr(FeatureBinding Binding, AvrModelConfig Config, AvrNetwork Network, AudioVisualDiffusion Diffusion,
    DataViewBatchSource Train, DataViewBatchSource? Validation);
