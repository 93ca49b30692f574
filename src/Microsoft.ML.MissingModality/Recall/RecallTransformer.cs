using System.Runtime.CompilerServices;
using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Components;
using Microsoft.ML.MissingModality.Internal;
using Microsoft.ML.MissingModality.Modeling;
using Microsoft.ML.MissingModality.Scoring;
using Microsoft.ML.Runtime;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Recall;

/// <summary>
/// A fitted recaller — the RMM generator or a baseline. Adds a recalled audio column and a recalled visual column
/// of the originals' shapes: audio recalled from the picture (and, for RMM, the question) wherever the picture is
/// present, visual features recalled from the audio wherever the audio is present, zeros where the source is absent.
/// The missing flags are left as they are: they keep saying what the source lacked. Scores in batches in
/// <c>Transform</c>, row by row in prediction engines; saves with <c>MLContext.Model.Save</c>, weights included.
/// </summary>
public sealed class RecallTransformer : RowMappingTransformerBase, ILoadableTransformer<RecallTransformer>
{
    internal const string LoaderSignature = "RecallTransformer";
    private const string WeightsEntry = "RecallWeights";

    internal static readonly TransformerVersion FormatVersion =
        new(ModelSignature: "MMRECALL", VersionWritten: 0x00010001, OldestReadable: 0x00010001, LoaderSignature);

    static TransformerVersion ILoadableTransformer<RecallTransformer>.FormatVersion => FormatVersion;

    private readonly IRecallModel _model;
    private readonly torch.Device _device;
    private readonly ConditionalWeakTable<DataViewRow, SingleRowScorer> _rowScorers = new();

    internal RecallTransformer(IHostEnvironment environment, FeatureBinding binding, RecallModelConfig config, IRecallModel model,
        string recalledAudioColumn, string recalledVisualColumn, int batchSize)
        : base(environment, nameof(RecallTransformer))
    {
        Binding = binding;
        Config = config;
        RecalledAudioColumnName = recalledAudioColumn;
        RecalledVisualColumnName = recalledVisualColumn;
        BatchSize = batchSize;
        _model = model;
        _device = MLContextDevice.Select(environment);
        Module.to(_device);
        Module.eval();
    }

    /// <summary>How this transformer recalls.</summary>
    public RecallMethod Method => Config.Method;

    /// <summary>The column of recalled audio.</summary>
    public string RecalledAudioColumnName { get; }

    /// <summary>The column of recalled visual features.</summary>
    public string RecalledVisualColumnName { get; }

    internal FeatureBinding Binding { get; }

    internal RecallModelConfig Config { get; }

    internal IRecallModel Model => _model;

    internal torch.nn.Module Module => (torch.nn.Module)_model;

    internal int BatchSize { get; }

    internal torch.Device Device => _device;

    private protected override TransformerVersion Version => FormatVersion;

    private protected override int ScoringBatchSize => ScoringBatch.Rows(BatchSize, Binding);

    private protected override IReadOnlyList<string> InputColumnNames => Binding.ReadColumns;

    private protected override void ValidateInputSchema(DataViewSchema inputSchema) => Binding.CheckCompatible(inputSchema);

    private protected override DataViewSchema.DetachedColumn[] GetOutputColumns(DataViewSchema inputSchema) =>
    [
        new(RecalledAudioColumnName, new VectorDataViewType(NumberDataViewType.Single, Config.AudioDimensions)),
        new(RecalledVisualColumnName, new VectorDataViewType(NumberDataViewType.Single, Config.VisualDimensions)),
    ];

    private protected override bool ScoresInBatches => true;

    private protected override IBatchScorer CreateBatchScorer(DataViewSchema inputSchema) => new RecallBatchScorer(this, ScoringBatchSize);

    private protected override Delegate MakeOutputGetter(DataViewRow input, int outputIndex) =>
        _rowScorers.GetValue(input, row => new SingleRowScorer(row, new RecallBatchScorer(this, capacity: 1))).MakeOutputGetter(outputIndex);

    private protected override void SaveCore(ModelWriter writer)
    {
        var w = writer.Writer;
        Binding.Write(w);
        w.Write(Config.ToJson());
        w.Write(RecalledAudioColumnName);
        w.Write(RecalledVisualColumnName);
        w.Write(BatchSize);
        writer.WriteModule(WeightsEntry, Module);
    }

    static RecallTransformer ILoadableTransformer<RecallTransformer>.Load(IHostEnvironment environment, ModelReader reader)
    {
        var r = reader.Reader;
        var binding = FeatureBinding.Read(r);
        var config = RecallModelConfig.FromJson(r.ReadString());
        string audio = r.ReadString(), visual = r.ReadString();
        int batchSize = r.ReadInt32();
        var model = config.CreateEmpty();
        reader.ReadModule(WeightsEntry, (torch.nn.Module)model, strict: config.WeightsComplete);
        return new RecallTransformer(environment, binding, config, model, audio, visual, batchSize);
    }
}
