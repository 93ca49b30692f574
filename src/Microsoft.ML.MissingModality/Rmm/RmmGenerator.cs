using Microsoft.ML.MissingModality.Components;
using Microsoft.ML.MissingModality.Modeling;
using Microsoft.ML.MissingModality.Recall;
using Microsoft.ML.MissingModality.Training;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Rmm;

/// <summary>
/// Trains the paper's relation-aware missing-modal (RMM) generator (Sec. 3.1) on the rows that have both modalities,
/// with the RMMR loss, and produces a <see cref="RecallTransformer"/> that recalls a missing audio stream from the
/// picture and the question, and a missing picture from the audio and the question. Put it after the question
/// featurization and before <c>AvqaTrainer</c>, which then trains on the paper's Eq. 8.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Column</term><description>Type</description></listheader>
/// <item><term>Audio, Visual</term><description>known-size vectors of Single, <c>[T, A]</c> and <c>[T, C, H, W]</c> (or <c>[T, C]</c>)</description></item>
/// <item><term>Question</term><description>vector of keys (word ids) or known-size vector of Single</description></item>
/// <item><term>AudioMissing, VisualMissing (optional)</term><description>Boolean; flagged rows are not trained on, and are recalled from the other modality</description></item>
/// <item><term>Output: RecalledAudio, RecalledVisual</term><description>the originals' shapes; zeros where the source modality is absent</description></item>
/// </list>
/// The slots start as real (audio, map, question) triples of training segments, then train with Adam; the epoch
/// with the best validation recall (mean cosine similarity to the real features) is kept.
/// </remarks>
public sealed class RmmGenerator : TorchEstimatorBase<RecallTransformer>
{
    private readonly RmmGeneratorOptions _options;

    internal RmmGenerator(MLContext context, RmmGeneratorOptions options) : base(context, options, nameof(RmmGenerator))
    {
        _options = options;
    }

    /// <summary>Trains the slot memories and the generator's question encoder on the complete rows of <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type or shape; the message names it.</exception>
    /// <exception cref="InvalidDataException">A value is NaN or infinite, or no row has both modalities.</exception>
    public override RecallTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int seed = ResolveSeed();
        var device = SelectDevice();
        var prepared = Prepare(input, seed, device);
        var (config, network) = (prepared.Config, prepared.Network);
        Info($"Training the RMM generator on {device}: {config.Slots} slots, {config.Addressing} addressing (scale {config.AddressingScale}{(config.LearnAddressingScale ? ", learned" : "")}), {config.Combination}.");
        Train(new RmmObjective(network), prepared.Train, prepared.Validation, device, seed, input.GetRowCount());
        if (prepared.Train.SkippedRows > 0)
            Info($"{prepared.Train.SkippedRows} training rows per epoch lack a modality; the generator learns from the others.");
        if (config.LearnAddressingScale)
        {
            var (byVisual, byAudio, byQuestion) = network.AddressingScales;
            Info(FormattableString.Invariant($"Learned addressing scales: by visual {byVisual:G4}, by audio {byAudio:G4}, by question {byQuestion:G4}."));
        }
        return CreateTransformer(prepared);
    }

    /// <summary>
    /// Everything before training: the binding and config read off <paramref name="input"/>, the network with its
    /// slots set from the first complete training batch, and the complete-row batch sources. A joint training
    /// prepares the generator the same way and trains it with the other networks.
    /// </summary>
    internal PreparedRmm Prepare(IDataView input, int seed, torch.Device device)
    {
        var binding = FeatureBinding.FromSchema(input.Schema, _options.ColumnNames, readRecalled: false);
        CheckValidationSet(validationSet => binding.CheckCompatible(validationSet.Schema));
        var config = _options.WithGeneratorSettings(RecallOutput.BaseConfig(input, _options.AudioColumnName, _options.VisualColumnName, RecallMethod.Rmm)) with
        {
            QuestionIsTokens = binding.QuestionIsTokens,
            VocabularySize = binding.QuestionIsTokens ? binding.VocabularySize : 0,
            QuestionVectorSize = binding.QuestionIsTokens ? 0 : binding.QuestionLength,
        };
        RmmNetwork network;
        using (var initialization = new torch.Generator((ulong)seed))
            network = new RmmNetwork(config.ToRmmConfig(), initialization);
        var (train, validation) = CompleteRowSources(input, binding, seed, stepTakesChunks: false);
        network.to(device);
        InitializeSlots(network, train, _options.BatchSize, seed, device);
        return new PreparedRmm(binding, config, network, train, validation);
    }

    /// <summary>The transformer over a prepared (and trained) generator.</summary>
    internal RecallTransformer CreateTransformer(PreparedRmm prepared) => new(Context, prepared.Binding, prepared.Config, prepared.Network,
        _options.RecalledAudioColumnName, _options.RecalledVisualColumnName, _options.BatchSize);

    /// <inheritdoc/>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema) => RecallOutput.OutputSchema(inputSchema,
        _options.AudioColumnName, _options.VisualColumnName, _options.RecalledAudioColumnName, _options.RecalledVisualColumnName);

    // The slots start as (audio, map, question) triples of the first training batch's segments.
    private static void InitializeSlots(RmmNetwork network, IBatchSource train, int batchSize, int seed, torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        // The first training batch, whose chunks arrive one by one in batches that are reused: copied in as they come.
        torch.Tensor? audio = null, visual = null, questions = null;
        int rows = 0;
        foreach (var chunk in train.ReadEpoch(epoch: 0))
        {
            var (a, v) = BatchTensors.Pair(chunk, network.Config.Shape, device);
            var q = BatchTensors.Question(chunk, device);
            foreach (var (part, whole) in new[] { (a, audio ??= Room(a)), (v, visual ??= Room(v)), (q, questions ??= Room(q)) })
                whole.narrow(0, rows, chunk.Count).copy_(part);
            rows += chunk.Count;
            if (chunk.EndsStep)
                break;
        }
        if (rows == 0)
            throw new InvalidDataException("The RMM generator needs rows with both modalities; the training data has none.");
        using var generator = new torch.Generator((ulong)seed + 2);
        network.InitializeSlotsFromData(audio!.narrow(0, 0, rows), visual!.narrow(0, 0, rows), questions!.narrow(0, 0, rows), generator);

        // A batch's worth of rows shaped like one chunk's tensor.
        torch.Tensor Room(torch.Tensor chunkTensor) => torch.empty([batchSize, .. chunkTensor.shape[1..]], chunkTensor.dtype, device);
    }
}

/// <summary>An RMM generator ready to train: how it reads its inputs, its saved config, the network, its batch sources.</summary>
internal sealed record PreparedRmm(FeatureBinding Binding, RecallModelConfig Config, RmmNetwork Network, DataViewBatchSource Train, DataViewBatchSource? Validation);
