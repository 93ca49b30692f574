using System.ComponentModel;
using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Internal;
using Microsoft.ML.MissingModality.Scoring;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.MissingModality;

/// <summary>
/// Base of the library's transformers: a row-to-row ML.NET transformer that computes its output columns from input
/// columns and saves itself, torch state included where it has one, into an ML.NET model zip.
/// </summary>
/// <remarks>
/// This is the one surface through which components reach ML.NET's persistence internals: derived classes describe
/// their columns with public ML.NET types and save their state through <c>ModelWriter</c>; the plumbing that needs
/// ML.NET internals (version info, row mappers, loaders) stays in this folder.
/// </remarks>
public abstract class RowMappingTransformerBase : RowToRowTransformerBase, ITransformer
{
    private protected RowMappingTransformerBase(IHostEnvironment environment, string registrationName)
        : base(Contracts.CheckRef(environment, nameof(environment)).Register(registrationName))
    {
        Environment = environment;
    }

    /// <summary>The environment this transformer was made or loaded in: it carries the device settings.</summary>
    private protected IHostEnvironment Environment { get; }

    private protected abstract TransformerVersion Version { get; }

    /// <summary>Input column names the outputs depend on (names absent from a schema are ignored).</summary>
    private protected abstract IReadOnlyList<string> InputColumnNames { get; }

    /// <summary>Checks the input columns exist with the right types; throws a message naming the column otherwise.</summary>
    private protected abstract void ValidateInputSchema(DataViewSchema inputSchema);

    /// <summary>The columns this transformer adds, in order.</summary>
    private protected abstract DataViewSchema.DetachedColumn[] GetOutputColumns(DataViewSchema inputSchema);

    /// <summary>A getter for output <paramref name="outputIndex"/> over <paramref name="input"/>'s current row.</summary>
    private protected abstract Delegate MakeOutputGetter(DataViewRow input, int outputIndex);

    private protected abstract void SaveCore(ModelWriter writer);

    /// <summary>
    /// Whether <see cref="CreateBatchScorer"/> is implemented. When it is, <see cref="Transform"/> reads
    /// <see cref="ScoringBatchSize"/> rows ahead and scores them together; prediction engines still go row by row
    /// through the mapper. (A flag rather than a trial call: a scorer allocates its batch buffers.)
    /// </summary>
    private protected virtual bool ScoresInBatches => false;

    /// <summary>A scorer computing the outputs of many rows in one call; one per cursor.</summary>
    private protected virtual IBatchScorer CreateBatchScorer(DataViewSchema inputSchema) =>
        throw new NotSupportedException($"{GetType().Name} scores row by row.");

    /// <summary>Rows scored per call by <see cref="Transform"/> when a batch scorer exists.</summary>
    private protected virtual int ScoringBatchSize => 64;

    // ML.NET's Transform is not virtual: re-implementing ITransformer routes chains and callers through ours.
    IDataView ITransformer.Transform(IDataView input) => Transform(input);

    bool ITransformer.IsRowToRowMapper => true;

    IRowToRowMapper ITransformer.GetRowToRowMapper(DataViewSchema inputSchema)
    {
        Host.CheckValue(inputSchema, nameof(inputSchema));
        return new RowToRowMapperTransform(Host, new EmptyDataView(Host, inputSchema), MakeRowMapper(inputSchema), MakeRowMapper);
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => SaveModel(ctx);

    /// <summary>Adds the output columns to <paramref name="input"/>, scoring in batches where the component can.</summary>
    public new IDataView Transform(IDataView input)
    {
        Host.CheckValue(input, nameof(input));
        ValidateInputSchema(input.Schema);
        if (!ScoresInBatches)
            return base.Transform(input);
        var present = InputColumnNames.Where(name => input.Schema.GetColumnOrNull(name) is not null).ToArray();
        return new BatchedTransformDataView(input, GetOutputColumns(input.Schema), present, ScoringBatchSize,
            () => CreateBatchScorer(input.Schema));
    }

    /// <summary>Part of ML.NET's persistence contract; call <c>MLContext.Model.Save</c> instead.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed override void SaveModel(ModelSaveContext ctx)
    {
        Host.CheckValue(ctx, nameof(ctx));
        ctx.CheckAtModel();
        ctx.SetVersionInfo(Version.ToVersionInfo());
        SaveCore(new ModelWriter(ctx));
    }

    /// <summary>Part of ML.NET's row-mapping contract; use <c>Transform</c> or a prediction engine instead.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed override IRowMapper MakeRowMapper(DataViewSchema schema)
    {
        ValidateInputSchema(schema);
        return new Mapper(this, schema);
    }

    /// <summary>Checks a model zip entry's version and opens a reader on it; used by the loaders.</summary>
    internal static ModelReader OpenForLoad(IHostEnvironment environment, ModelLoadContext ctx, TransformerVersion version)
    {
        Contracts.CheckValue(environment, nameof(environment));
        environment.CheckValue(ctx, nameof(ctx));
        ctx.CheckAtModel(version.ToVersionInfo());
        return new ModelReader(ctx);
    }

    private sealed class Mapper : MapperBase
    {
        private readonly RowMappingTransformerBase _owner;
        private readonly HashSet<int> _inputIndices;

        public Mapper(RowMappingTransformerBase owner, DataViewSchema inputSchema)
            : base(owner.Host.Register(nameof(Mapper)), inputSchema, owner)
        {
            _owner = owner;
            // Optional inputs (e.g. a flag column the transformer creates when absent) may be missing from the schema.
            _inputIndices = owner.InputColumnNames
                .Select(name => inputSchema.GetColumnOrNull(name)?.Index)
                .OfType<int>()
                .ToHashSet();
        }

        public override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() => _owner.GetOutputColumns(InputSchema);

        public override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
        {
            disposer = null!;
            return _owner.MakeOutputGetter(input, iinfo);
        }

        public override Func<int, bool> GetDependenciesCore(Func<int, bool> activeOutput)
        {
            int outputs = _owner.GetOutputColumns(InputSchema).Length;
            bool anyActive = Enumerable.Range(0, outputs).Any(activeOutput);
            return column => anyActive && _inputIndices.Contains(column);
        }

        public override void SaveModel(ModelSaveContext ctx) => _owner.SaveModel(ctx);
    }
}
