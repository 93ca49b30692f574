using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Columns;
using Microsoft.ML.MissingModality.Internal;
using Microsoft.ML.MissingModality.Modeling;
using Microsoft.ML.MissingModality.Scoring;
using Microsoft.ML.Runtime;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Baselines;

/// <summary>
/// Recalls a modality's features from another modality with a fitted affine map. Made by
/// <see cref="LinearRecallEstimator"/>; saved and loaded with <c>MLContext.Model</c>, weights included.
/// </summary>
public sealed class LinearRecallTransformer : RowMappingTransformerBase, ILoadableTransformer<LinearRecallTransformer>
{
    internal const string LoaderSignature = "LinearRecallTransformer";
    private const string WeightsEntry = "LinearRecallWeights";

    static TransformerVersion ILoadableTransformer<LinearRecallTransformer>.FormatVersion => FormatVersion;

    internal static readonly TransformerVersion FormatVersion =
        new(ModelSignature: "LINRECAL", VersionWritten: 0x00010001, OldestReadable: 0x00010001, LoaderSignature);

    private readonly LinearRecallModel _model;
    private readonly torch.Device _device;

    internal LinearRecallTransformer(IHostEnvironment environment, string inputColumnName, string outputColumnName, LinearRecallModel model)
        : base(environment, nameof(LinearRecallTransformer))
    {
        InputColumnName = inputColumnName;
        OutputColumnName = outputColumnName;
        _device = MLContextDevice.Select(environment);
        _model = model;
        _model.to(_device);
        _model.eval();
    }

    /// <summary>The available modality's column.</summary>
    public string InputColumnName { get; }

    /// <summary>The column the recalled features are written to.</summary>
    public string OutputColumnName { get; }

    /// <summary>Size of the input vectors.</summary>
    public int InputSize => _model.InputSize;

    /// <summary>Size of the recalled vectors.</summary>
    public int OutputSize => _model.OutputSize;

    private protected override TransformerVersion Version => FormatVersion;

    private protected override IReadOnlyList<string> InputColumnNames => [InputColumnName];

    private protected override void ValidateInputSchema(DataViewSchema inputSchema)
    {
        int size = SchemaChecks.KnownSizeSingleVector(inputSchema, InputColumnName, "Input");
        if (size != InputSize)
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"Input column '{InputColumnName}' has {size} values per row; this model was fitted on {InputSize}.");
    }

    private protected override DataViewSchema.DetachedColumn[] GetOutputColumns(DataViewSchema inputSchema) =>
        [new(OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, OutputSize))];

    private protected override Delegate MakeOutputGetter(DataViewRow input, int outputIndex)
    {
        var inputColumn = input.Schema[InputColumnName];
        var getInput = input.GetGetter<VBuffer<float>>(inputColumn);
        var source = default(VBuffer<float>);
        var dense = new float[InputSize];
        ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> destination) =>
        {
            getInput(ref source);
            source.CopyTo(dense);
            SchemaChecks.AllFinite(dense, InputColumnName, input.Position);
            var editor = VBufferEditor.Create(ref destination, OutputSize);
            // Scope and no_grad are per thread: enter them inside the getter, per call.
            using (var scope = torch.NewDisposeScope())
            using (torch.no_grad())
            {
                var x = torch.tensor(dense, [1, InputSize]).to(_device);
                var recalled = _model.forward(x).cpu();
                recalled.data<float>().CopyTo(editor.Values);
            }
            destination = editor.Commit();
        };
        return getter;
    }

    private protected override bool ScoresInBatches => true;

    private protected override IBatchScorer CreateBatchScorer(DataViewSchema inputSchema) =>
        new BatchScorer(this, ScoringBatchSize);

    private sealed class BatchScorer(LinearRecallTransformer owner, int capacity) : IBatchScorer
    {
        private readonly float[] _inputs = new float[capacity * owner.InputSize];
        private readonly float[] _outputs = new float[capacity * owner.OutputSize];
        private ValueGetter<VBuffer<float>>? _getInput;
        private VBuffer<float> _source;

        public void AddRow(DataViewRow input, int slot)
        {
            _getInput ??= input.GetGetter<VBuffer<float>>(input.Schema[owner.InputColumnName]);
            _getInput(ref _source);
            var row = _inputs.AsSpan(slot * owner.InputSize, owner.InputSize);
            _source.CopyTo(row);
            SchemaChecks.AllFinite(row, owner.InputColumnName, input.Position);
        }

        public void ScoreBatch(int count)
        {
            using var scope = torch.NewDisposeScope();
            using var _ = torch.no_grad();
            var x = torch.tensor(_inputs.AsSpan(0, count * owner.InputSize).ToArray(), [count, owner.InputSize]).to(owner._device);
            Training.BatchTensors.CopyTo(owner._model.forward(x), _outputs.AsSpan(0, count * owner.OutputSize));
        }

        public Delegate MakeOutputGetter(int outputIndex, Func<int> currentSlot) =>
            (ValueGetter<VBuffer<float>>)((ref VBuffer<float> destination) =>
            {
                var editor = VBufferEditor.Create(ref destination, owner.OutputSize);
                _outputs.AsSpan(currentSlot() * owner.OutputSize, owner.OutputSize).CopyTo(editor.Values);
                destination = editor.Commit();
            });

        public void Dispose()
        {
        }
    }

    private protected override void SaveCore(ModelWriter writer)
    {
        writer.Writer.Write(InputColumnName);
        writer.Writer.Write(OutputColumnName);
        writer.Writer.Write(InputSize);
        writer.Writer.Write(OutputSize);
        writer.WriteModule(WeightsEntry, _model);
    }

    static LinearRecallTransformer ILoadableTransformer<LinearRecallTransformer>.Load(IHostEnvironment environment, ModelReader reader)
    {
        string inputColumn = reader.Reader.ReadString();
        string outputColumn = reader.Reader.ReadString();
        int inputSize = reader.Reader.ReadInt32();
        int outputSize = reader.Reader.ReadInt32();
        var model = new LinearRecallModel(inputSize, outputSize);
        reader.ReadModule(WeightsEntry, model);
        return new LinearRecallTransformer(environment, inputColumn, outputColumn, model);
    }
}
