using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Components;
using Microsoft.ML.MissingModality.Internal;
using Microsoft.ML.MissingModality.Modeling;
using Microsoft.ML.MissingModality.Training;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Avqa;

/// <summary>
/// Trains the AVST answer network (the backbone of the missing-modality method) on audio, visual and question
/// features and produces an <see cref="AvqaTransformer"/> that answers like an ML.NET multiclass classifier.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Column</term><description>Type</description></listheader>
/// <item><term>Label</term><description>key (the answer; <c>MapValueToKey</c> of the text answer)</description></item>
/// <item><term>Question</term><description>vector of keys (word ids) or known-size vector of Single</description></item>
/// <item><term>Audio</term><description>known-size vector of Single with dimensions [T, A]</description></item>
/// <item><term>Visual</term><description>known-size vector of Single with dimensions [T, C, H, W] or [T, C]</description></item>
/// <item><term>AudioMissing, VisualMissing (optional)</term><description>Boolean; a flagged modality is fed as zeros, or replaced by its recalled version</description></item>
/// <item><term>RecalledAudio, RecalledVisual (optional)</term><description>the recallers' outputs, same shapes as Audio and Visual: training follows Eq. 8</description></item>
/// <item><term>Output: Score</term><description>vector of Single, one probability per answer</description></item>
/// <item><term>Output: PredictedLabel</term><description>key of the label's type, with its answer texts as key values</description></item>
/// </list>
/// Training runs on the device chosen from the MLContext (<c>GpuDeviceId</c>, <c>FallbackToCpu</c>), in batches,
/// with AVST's optimiser (Adam, step decay) and loss (answer cross-entropy + 0.5 × audio-visual matching).
/// Per-epoch loss and accuracy go to the MLContext log and <see cref="TorchComponentOptions.Progress"/>.
/// </remarks>
public sealed class AvqaTrainer : TorchEstimatorBase<AvqaTransformer>
{
    private readonly AvqaTrainerOptions _options;

    internal AvqaTrainer(MLContext context, AvqaTrainerOptions options)
        : base(context, options, nameof(AvqaTrainer))
    {
        _options = options;
    }

    /// <summary>Trains on <paramref name="input"/> (validating on the options' validation set, if any).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type or shape; the message names it.</exception>
    /// <exception cref="InvalidDataException">A value is NaN or infinite, or no row has a known answer.</exception>
    public override AvqaTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int seed = ResolveSeed();
        var device = SelectDevice();
        var prepared = Prepare(input.Schema, seed);
        var (binding, config, network) = (prepared.Binding, prepared.Network.Config, prepared.Network);
        CheckValidationSet(validationSet => binding.CheckCompatible(validationSet.Schema));
        // Eq. 8's batches carry three maps a row: at MUSIC-AVQA's shapes they are read and trained in chunks (same steps).
        long budget = binding.HasRecalled ? RowChunks.RecalledAnswererBatchBudgetBytes : RowChunks.AnswererBatchBudgetBytes;
        int chunkRows = RowChunks.Balanced(_options.BatchSize, binding.BatchRowFloats, budget);
        var train = new DataViewBatchSource(input, binding, _options.LabelColumnName, _options.BatchSize, _options.Shuffle ? seed : null,
            skipUnknownAnswers: true, _options.VideoIdColumnName, chunkRows: chunkRows)
            { PrefetchBatches = _options.PrefetchBatches, ReferenceVisualRows = binding.AnswererReferencesVisualRows(device) };
        var validation = _options.ValidationSet is null ? null
            : new DataViewBatchSource(_options.ValidationSet, binding, _options.LabelColumnName, chunkRows, shuffleSeed: null, skipUnknownAnswers: false)
                { PrefetchBatches = _options.PrefetchBatches, BatchPool = train.BatchPool };
        Info($"Training AVST on {device}: {config.Segments} segments, audio {config.AudioDim}, visual {config.VisualChannels}×{config.VisualPositions}, {prepared.Answers.Length} answers" +
            (binding.HasEnhanced ? ", Eq. 8 with the AVR diffusion's enhanced pairs." : binding.HasRecalled ? $", Eq. 8 with recalled '{binding.RecalledAudioColumn}' and '{binding.RecalledVisualColumn}'." : "."));
        using (var objective = CreateObjective(prepared, seed))
            Train(objective, train, validation, device, seed, input.GetRowCount());
        if (train.SkippedRows > 0)
            Warning($"{train.SkippedRows} training rows per epoch had no known answer and were skipped.");
        return CreateTransformer(prepared);
    }

    /// <summary>
    /// Everything before training: the binding read off <paramref name="schema"/> (recalled and enhanced columns
    /// included when present), the answer texts, and the initialised network; the validation set's answer dictionary
    /// is checked against the training one.
    /// </summary>
    internal PreparedAvqa Prepare(DataViewSchema schema, int seed)
    {
        var binding = FeatureBinding.FromSchema(schema, _options.ColumnNames);
        string[] answers = AnswerNames(schema, _options.LabelColumnName);
        CheckValidationSet(validationSet =>
        {
            if (!AnswerNames(validationSet.Schema, _options.LabelColumnName).SequenceEqual(answers))
                throw new ArgumentOutOfRangeException(nameof(AvqaTrainerOptions.ValidationSet),
                    $"The validation set's label column '{_options.LabelColumnName}' uses another answer dictionary; transform it with the pipeline fitted on the training data.");
        });
        var config = binding.ToAvstConfig(_options.HiddenSize, _options.Dropout, _options.MatchingLossWeight, answers.Length);
        using var initialization = new torch.Generator((ulong)seed);
        return new PreparedAvqa(binding, answers, new AvstNetwork(config, initialization));
    }

    /// <summary>The answerer's objective (AVST's loss, or Eq. 8 with substitute pairs).</summary>
    internal AvstObjective CreateObjective(PreparedAvqa prepared, int seed) => new(prepared.Network, seed, _options.RecalledPairLossWeight);

    /// <summary>The transformer over a prepared (and trained) answerer.</summary>
    internal AvqaTransformer CreateTransformer(PreparedAvqa prepared) => new(Context, prepared.Binding, prepared.Answers, prepared.Network, _options.BatchSize);

    /// <summary>The input shape plus <c>Score</c> and <c>PredictedLabel</c>.</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        if (!inputSchema.TryFindColumn(_options.LabelColumnName, out var label) || !label.IsKey)
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"Label column '{_options.LabelColumnName}' must be a key: apply MapValueToKey to the answer text.");
        foreach (var (name, role) in new[] { (_options.AudioColumnName, "Audio"), (_options.VisualColumnName, "Visual"), (_options.QuestionColumnName, "Question") })
        {
            if (!inputSchema.TryFindColumn(name, out _))
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"{role} column '{name}' was not found.");
        }
        var names = new SchemaShape([SchemaShapeColumns.Vector("KeyValues", TextDataViewType.Instance)]);
        var slotNames = new SchemaShape([SchemaShapeColumns.Vector("SlotNames", TextDataViewType.Instance)]);
        return SchemaShapeColumns.With(inputSchema,
            SchemaShapeColumns.Vector(AvqaTransformer.ScoreColumnName, NumberDataViewType.Single, slotNames),
            SchemaShapeColumns.Scalar(AvqaTransformer.PredictedLabelColumnName, NumberDataViewType.UInt32, isKey: true, names));
    }

    internal static string[] AnswerNames(DataViewSchema schema, string labelColumn)
    {
        var column = schema.GetColumnOrNull(labelColumn)
            ?? throw new ArgumentOutOfRangeException(nameof(schema),
                $"Label column '{labelColumn}' was not found. Map the answer text to a key first, e.g. MapValueToKey(\"{labelColumn}\", \"Answer\").");
        if (column.Type is not KeyDataViewType { RawType: var raw } key || raw != typeof(uint))
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"Label column '{labelColumn}' must be a key (UInt32), but is {column.Type}: apply MapValueToKey to the answer text.");
        VBuffer<ReadOnlyMemory<char>> names = default;
        if (column.Annotations.Schema.GetColumnOrNull("KeyValues") is { Type: VectorDataViewType { ItemType: TextDataViewType } })
            column.GetKeyValues(ref names);
        var texts = names.DenseValues().Select(v => v.ToString()).ToArray();
        return texts.Length == (int)key.Count ? texts : Enumerable.Range(1, (int)key.Count).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }
}

/// <summary>An answerer ready to train: how it reads its inputs, its answer texts and the initialised network.</summary>
internal sealed record PreparedAvqa(FeatureBinding Binding, string[] Answers, AvstNetwork Network);
