using System.Runtime.CompilerServices;
using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Components;
using Microsoft.ML.MissingModality.Internal;
using Microsoft.ML.MissingModality.Modeling;
using Microsoft.ML.MissingModality.Scoring;
using Microsoft.ML.Runtime;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Avqa;

/// <summary>
/// A trained AVST answer network. Adds <c>Score</c> (a probability per answer) and <c>PredictedLabel</c> (the most
/// likely answer as a key whose key values are the answer texts), like ML.NET's multiclass classifiers. Scores in
/// batches in <c>Transform</c>, row by row in prediction engines; saves with <c>MLContext.Model.Save</c>, weights included.
/// </summary>
public sealed class AvqaTransformer : RowMappingTransformerBase, ILoadableTransformer<AvqaTransformer>
{
    /// <summary>Name of the output column of answer probabilities.</summary>
    public const string ScoreColumnName = "Score";

    /// <summary>Name of the output column of the predicted answer.</summary>
    public const string PredictedLabelColumnName = "PredictedLabel";

    internal const string LoaderSignature = "AvqaTransformer";
    private const string WeightsEntry = "AvstWeights";

    // 0x00010002 adds the recalled columns (Eq. 8), 0x00010003 the enhanced pairs (AVR); older zips still load.
    private const uint WithRecalledColumns = 0x00010002;
    private const uint WithEnhancedPairs = 0x00010003;

    internal static readonly TransformerVersion FormatVersion =
        new(ModelSignature: "AVQAAVST", VersionWritten: WithEnhancedPairs, OldestReadable: 0x00010001, LoaderSignature);

    static TransformerVersion ILoadableTransformer<AvqaTransformer>.FormatVersion => FormatVersion;

    private readonly FeatureBinding _binding;
    private readonly string[] _answers;
    private readonly AvstNetwork _network;
    private readonly torch.Device _device;
    private readonly int _batchSize;
    private readonly ConditionalWeakTable<DataViewRow, SingleRowScorer> _rowScorers = new();

    internal AvqaTransformer(IHostEnvironment environment, FeatureBinding binding, string[] answers, AvstNetwork network, int batchSize)
        : base(environment, nameof(AvqaTransformer))
    {
        _binding = binding;
        _answers = answers;
        _batchSize = batchSize;
        _device = MLContextDevice.Select(environment);
        _network = network;
        _network.to(_device);
        _network.eval();
    }

    /// <summary>The answers the model chooses from, in key order (key k is <c>Answers[k - 1]</c>).</summary>
    public IReadOnlyList<string> Answers => _answers;

    internal AvstNetwork Network => _network;

    internal FeatureBinding Binding => _binding;

    private protected override TransformerVersion Version => FormatVersion;

    private protected override int ScoringBatchSize => ScoringBatch.Rows(_batchSize, _binding);

    private protected override IReadOnlyList<string> InputColumnNames => _binding.ReadColumns;

    private protected override void ValidateInputSchema(DataViewSchema inputSchema) => _binding.CheckCompatible(inputSchema);

    private protected override DataViewSchema.DetachedColumn[] GetOutputColumns(DataViewSchema inputSchema)
    {
        var names = new VBuffer<ReadOnlyMemory<char>>(_answers.Length, _answers.Select(a => a.AsMemory()).ToArray());
        ValueGetter<VBuffer<ReadOnlyMemory<char>>> getNames = (ref VBuffer<ReadOnlyMemory<char>> value) => names.CopyTo(ref value);
        var namesType = new VectorDataViewType(TextDataViewType.Instance, _answers.Length);

        var scoreAnnotations = new DataViewSchema.Annotations.Builder();
        scoreAnnotations.Add("SlotNames", namesType, getNames);
        var labelAnnotations = new DataViewSchema.Annotations.Builder();
        labelAnnotations.Add("KeyValues", namesType, getNames);
        return
        [
            new(ScoreColumnName, new VectorDataViewType(NumberDataViewType.Single, _answers.Length), scoreAnnotations.ToAnnotations()),
            new(PredictedLabelColumnName, new KeyDataViewType(typeof(uint), _answers.Length), labelAnnotations.ToAnnotations()),
        ];
    }

    private protected override bool ScoresInBatches => true;

    private protected override IBatchScorer CreateBatchScorer(DataViewSchema inputSchema) => new AvqaBatchScorer(this, ScoringBatchSize);

    private protected override Delegate MakeOutputGetter(DataViewRow input, int outputIndex) =>
        _rowScorers.GetValue(input, row => new SingleRowScorer(row, new AvqaBatchScorer(this, capacity: 1))).MakeOutputGetter(outputIndex);

    private protected override void SaveCore(ModelWriter writer)
    {
        var w = writer.Writer;
        _binding.Write(w);
        w.Write(_answers.Length);
        foreach (string answer in _answers) w.Write(answer);
        var config = _network.Config;
        w.Write(config.HiddenSize);
        w.Write(config.Dropout);
        w.Write(config.MatchingLossWeight);
        w.Write(_batchSize);
        _binding.WriteRecalled(w);
        _binding.WriteEnhanced(w);
        writer.WriteModule(WeightsEntry, _network);
    }

    static AvqaTransformer ILoadableTransformer<AvqaTransformer>.Load(IHostEnvironment environment, ModelReader reader)
    {
        var r = reader.Reader;
        var binding = FeatureBinding.Read(r);
        var answers = new string[r.ReadInt32()];
        for (int i = 0; i < answers.Length; i++) answers[i] = r.ReadString();
        var options = new AvqaTrainerOptions { HiddenSize = r.ReadInt32(), Dropout = r.ReadDouble(), MatchingLossWeight = r.ReadDouble() };
        int batchSize = r.ReadInt32();
        if (reader.VersionWritten >= WithRecalledColumns)
            binding = binding.ReadRecalled(r);
        if (reader.VersionWritten >= WithEnhancedPairs)
            binding = binding.ReadEnhanced(r);
        var network = new AvstNetwork(binding.ToAvstConfig(options.HiddenSize, options.Dropout, options.MatchingLossWeight, answers.Length));
        reader.ReadModule(WeightsEntry, network);
        return new AvqaTransformer(environment, binding, answers, network, batchSize);
    }
}
