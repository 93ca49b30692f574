using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Columns;
using Microsoft.ML.MissingModality.Internal;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.MissingModality.Scenarios;

/// <summary>Applies a <see cref="MissingModalityScenario"/> row by row; see <see cref="MissingModalityScenarioEstimator"/>.</summary>
public sealed class MissingModalityScenarioTransformer : RowMappingTransformerBase, ILoadableTransformer<MissingModalityScenarioTransformer>
{
    internal const string LoaderSignature = "MissingModalityScenario";

    static TransformerVersion ILoadableTransformer<MissingModalityScenarioTransformer>.FormatVersion => FormatVersion;

    internal static readonly TransformerVersion FormatVersion =
        new(ModelSignature: "MMSCENAR", VersionWritten: 0x00010001, OldestReadable: 0x00010001, LoaderSignature);

    private const int AudioOutput = 0, VisualOutput = 1, AudioFlagOutput = 2, VisualFlagOutput = 3;
    private readonly MissingModalityScenarioOptions _options;

    internal MissingModalityScenarioTransformer(IHostEnvironment environment, MissingModalityScenarioOptions options)
        : base(environment, nameof(MissingModalityScenarioTransformer))
    {
        _options = options;
    }

    /// <summary>The simulated condition.</summary>
    public MissingModalityScenario Scenario => _options.Scenario;

    /// <summary>The seed of the per-row decisions.</summary>
    public int Seed => _options.Seed;

    private protected override TransformerVersion Version => FormatVersion;

    private protected override IReadOnlyList<string> InputColumnNames =>
        new[] { _options.AudioColumnName, _options.VisualColumnName, _options.AudioMissingColumnName, _options.VisualMissingColumnName, _options.RowIdColumnName }
            .ToArray();

    private protected override void ValidateInputSchema(DataViewSchema inputSchema)
    {
        SchemaChecks.KnownSizeSingleVector(inputSchema, _options.AudioColumnName, "Audio");
        SchemaChecks.KnownSizeSingleVector(inputSchema, _options.VisualColumnName, "Visual");
        foreach (string flag in new[] { _options.AudioMissingColumnName, _options.VisualMissingColumnName })
        {
            if (inputSchema.GetColumnOrNull(flag) is { } column && column.Type is not BooleanDataViewType)
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Missing-flag column '{flag}' must be Boolean, but is {column.Type}.");
        }
        if (inputSchema.GetColumnOrNull(_options.RowIdColumnName) is { } id && id.Type is not TextDataViewType)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Row id column '{_options.RowIdColumnName}' must be text, but is {id.Type}.");
    }

    private protected override DataViewSchema.DetachedColumn[] GetOutputColumns(DataViewSchema inputSchema) =>
    [
        Passthrough(inputSchema[_options.AudioColumnName]),
        Passthrough(inputSchema[_options.VisualColumnName]),
        new(_options.AudioMissingColumnName, BooleanDataViewType.Instance),
        new(_options.VisualMissingColumnName, BooleanDataViewType.Instance),
    ];

    private static DataViewSchema.DetachedColumn Passthrough(DataViewSchema.Column column) => new(column.Name, column.Type, column.Annotations);

    private protected override Delegate MakeOutputGetter(DataViewRow input, int outputIndex)
    {
        var decide = MakeDecider(input);
        switch (outputIndex)
        {
            case AudioOutput:
                return MakeFeatureGetter(input, _options.AudioColumnName, decide, r => r.AudioAffected, Scenario.AudioNoiseStdDev, 0xA0D10UL);
            case VisualOutput:
                return MakeFeatureGetter(input, _options.VisualColumnName, decide, r => r.VisualAffected, Scenario.VisualNoiseStdDev, 0x715CA1UL);
            case AudioFlagOutput:
                return MakeFlagGetter(input, _options.AudioMissingColumnName, decide, r => r.AudioAffected);
            case VisualFlagOutput:
                return MakeFlagGetter(input, _options.VisualMissingColumnName, decide, r => r.VisualAffected);
            default:
                throw new ArgumentOutOfRangeException(nameof(outputIndex));
        }
    }

    private Func<RowCorruption> MakeDecider(DataViewRow input)
    {
        ulong seed = RowCorruption.Mix((ulong)(uint)_options.Seed);
        if (input.Schema.GetColumnOrNull(_options.RowIdColumnName) is { } idColumn)
        {
            var getId = input.GetGetter<ReadOnlyMemory<char>>(idColumn);
            ReadOnlyMemory<char> id = default;
            return () =>
            {
                getId(ref id);
                return RowCorruption.Decide(Scenario, seed, RowCorruption.Identity(id.Span));
            };
        }
        return () => RowCorruption.Decide(Scenario, seed, (ulong)input.Position);
    }

    private ValueGetter<VBuffer<float>> MakeFeatureGetter(DataViewRow input, string columnName, Func<RowCorruption> decide,
        Func<RowCorruption, bool> affected, double noiseStdDev, ulong salt)
    {
        var column = input.Schema[columnName];
        var getFeatures = input.GetGetter<VBuffer<float>>(column);
        int size = ((VectorDataViewType)column.Type).Size;
        VBuffer<float> source = default;
        return (ref VBuffer<float> destination) =>
        {
            var decision = decide();
            getFeatures(ref source);
            var editor = VBufferEditor.Create(ref destination, size);
            if (affected(decision) && Scenario.Protocol == CorruptionProtocol.Remove)
            {
                editor.Values.Clear();
            }
            else
            {
                source.CopyTo(editor.Values);
                if (affected(decision))
                    RowCorruption.AddGaussianNoise(editor.Values, noiseStdDev, decision.NoiseSeed ^ salt);
            }
            destination = editor.Commit();
        };
    }

    private ValueGetter<bool> MakeFlagGetter(DataViewRow input, string columnName, Func<RowCorruption> decide, Func<RowCorruption, bool> affected)
    {
        ValueGetter<bool>? getExisting = input.Schema.GetColumnOrNull(columnName) is { } column ? input.GetGetter<bool>(column) : null;
        return (ref bool value) =>
        {
            bool existing = false;
            getExisting?.Invoke(ref existing);
            value = existing || (Scenario.Protocol == CorruptionProtocol.Remove && affected(decide()));
        };
    }

    private protected override void SaveCore(ModelWriter writer)
    {
        var w = writer.Writer;
        w.Write((int)Scenario.Modality);
        w.Write(Scenario.Ratio);
        w.Write((int)Scenario.Protocol);
        w.Write(Scenario.AudioNoiseStdDev);
        w.Write(Scenario.VisualNoiseStdDev);
        w.Write(_options.Seed);
        foreach (string name in new[] { _options.AudioColumnName, _options.VisualColumnName, _options.AudioMissingColumnName, _options.VisualMissingColumnName, _options.RowIdColumnName })
            w.Write(name);
    }

    static MissingModalityScenarioTransformer ILoadableTransformer<MissingModalityScenarioTransformer>.Load(IHostEnvironment environment, ModelReader reader)
    {
        var r = reader.Reader;
        var modality = (MissingModalityKind)r.ReadInt32();
        double ratio = r.ReadDouble();
        var protocol = (CorruptionProtocol)r.ReadInt32();
        var scenario = new MissingModalityScenario(modality, ratio, protocol) { AudioNoiseStdDev = r.ReadDouble(), VisualNoiseStdDev = r.ReadDouble() };
        var options = new MissingModalityScenarioOptions
        {
            Scenario = scenario,
            Seed = r.ReadInt32(),
            AudioColumnName = r.ReadString(),
            VisualColumnName = r.ReadString(),
            AudioMissingColumnName = r.ReadString(),
            VisualMissingColumnName = r.ReadString(),
            RowIdColumnName = r.ReadString(),
        };
        return new MissingModalityScenarioTransformer(environment, options);
    }
}
