using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Columns;

namespace Microsoft.ML.MissingModality.Components;

/// <summary>
/// How a component reads its inputs: column names and the shapes read off the training schema (segments, audio
/// size, visual channels and positions, question form and vocabulary), and whether recalled features are read.
/// Saved with each model, and checked against every schema it later scores.
/// </summary>
internal sealed record FeatureBinding(
    string AudioColumn, string VisualColumn, string QuestionColumn, string AudioMissingColumn, string VisualMissingColumn,
    int Segments, int AudioDim, int VisualChannels, int VisualPositions, bool QuestionIsTokens, int QuestionLength, int VocabularySize)
{
    /// <summary>The recalled audio column (same shape as the audio), or null when the model reads no recalled features.</summary>
    public string? RecalledAudioColumn { get; init; }

    /// <summary>The recalled visual column (same shape as the visual features), or null.</summary>
    public string? RecalledVisualColumn { get; init; }

    /// <summary>The enhanced pairs of an upstream AVR diffusion, or null when the model reads none.</summary>
    public EnhancedPairColumns? EnhancedColumns { get; init; }

    public bool HasQuestion => QuestionColumn.Length > 0;

    public bool HasRecalled => RecalledAudioColumn is not null && RecalledVisualColumn is not null;

    public bool HasEnhanced => EnhancedColumns is not null;

    public int AudioLength => Segments * AudioDim;

    public int VisualLength => Segments * VisualChannels * VisualPositions;

    public IReadOnlyList<string> InputColumns =>
        new[] { AudioColumn, VisualColumn, HasQuestion ? QuestionColumn : null, AudioMissingColumn, VisualMissingColumn, RecalledAudioColumn, RecalledVisualColumn }
            .Concat(EnhancedColumns?.All ?? []).OfType<string>().ToArray();

    /// <summary>
    /// Whether batches are filled with the recalled pair. Not when enhanced pairs are bound: they are made from the
    /// recalled pair and replace it, and at MUSIC-AVQA's shapes a recalled map is 4 MB a row to read for nothing.
    /// </summary>
    public bool ReadsRecalled => HasRecalled && !HasEnhanced;

    /// <summary>The columns a batch is filled from: <see cref="InputColumns"/> less the recalled pair when it is not read.</summary>
    public IReadOnlyList<string> ReadColumns =>
        ReadsRecalled || !HasRecalled ? InputColumns : InputColumns.Except([RecalledAudioColumn!, RecalledVisualColumn!]).ToArray();

    /// <summary>Feature values a batch holds per row: the real pair, the recalled pair if read, the two enhanced pairs if bound.</summary>
    public long BatchRowFloats => ((long)AudioLength + VisualLength) * (1 + (ReadsRecalled ? 1 : 0) + (HasEnhanced ? 2 : 0));

    /// <summary>
    /// Whether the answerer's batches should reference the real visual rows in place (see
    /// <see cref="DataViewBatchSource.ReferenceVisualRows"/>): on the CPU, where the fused grounding reads them, and
    /// without substitute pairs (Eq. 8 reads the real maps as one tensor beside them).
    /// </summary>
    public bool AnswererReferencesVisualRows(TorchSharp.torch.Device device) => device.type == TorchSharp.DeviceType.CPU && !HasRecalled && !HasEnhanced;

    /// <summary>
    /// A batch of <paramref name="capacity"/> rows with room for every role this binding reads (the real visual rows
    /// referenced in place where the reader allows, when <paramref name="referenceVisualRows"/>).
    /// </summary>
    public Training.TrainingBatch NewBatch(int capacity, bool referenceVisualRows = false) =>
        new(capacity, AudioLength, VisualLength, QuestionLength, QuestionIsTokens, ReadsRecalled, HasEnhanced, referenceVisualRows);

    /// <summary>
    /// Reads the roles off a schema. Recalled columns are bound when both are present; enhanced pairs when the names
    /// ask for them, the recalled pair is bound and all four are present.
    /// </summary>
    public static FeatureBinding FromSchema(DataViewSchema schema, FeatureColumnNames names, bool readRecalled = true)
    {
        var (segments, audioDim) = AudioShape(schema, names.Audio);
        var (visualSegments, channels, positions) = VisualShape(schema, names.Visual);
        if (visualSegments != segments)
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"Audio column '{names.Audio}' has {segments} segments but visual column '{names.Visual}' has {visualSegments}.");
        DataViewSchema.Column? question = names.Question.Length == 0 ? null : schema.GetColumnOrNull(names.Question)
            ?? throw new ArgumentOutOfRangeException(nameof(schema),
                $"Question column '{names.Question}' was not found. Tokenize the question (TokenizeIntoWords, then MapValueToKey) into it, or give a precomputed vector.");
        bool tokens;
        int length, vocabulary;
        switch (question?.Type)
        {
            case null:                      // a component that reads no question (the recall baselines)
                tokens = false;
                length = 0;
                vocabulary = 0;
                break;
            case VectorDataViewType { ItemType: KeyDataViewType key } when key.RawType == typeof(uint):
                tokens = true;
                length = names.MaxQuestionTokens;
                vocabulary = checked((int)key.Count + 1);
                break;
            case VectorDataViewType { ItemType: NumberDataViewType number, IsKnownSize: true } vector when number == NumberDataViewType.Single:
                tokens = false;
                length = vector.Size;
                vocabulary = 0;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(schema),
                    $"Question column '{names.Question}' must be a vector of keys (word ids) or a known-size vector of Single, but is {question?.Type}.");
        }
        foreach (string flag in new[] { names.AudioMissing, names.VisualMissing })
        {
            if (schema.GetColumnOrNull(flag) is { } column && column.Type is not BooleanDataViewType)
                throw new ArgumentOutOfRangeException(nameof(schema), $"Missing-flag column '{flag}' must be Boolean, but is {column.Type}.");
        }
        bool recalled = readRecalled && schema.GetColumnOrNull(names.RecalledAudio) is not null && schema.GetColumnOrNull(names.RecalledVisual) is not null;
        bool enhanced = recalled && names.Enhanced is { } wanted && wanted.All.All(n => schema.GetColumnOrNull(n) is not null);
        var binding = new FeatureBinding(names.Audio, names.Visual, names.Question, names.AudioMissing, names.VisualMissing,
            segments, audioDim, channels, positions, tokens, length, vocabulary)
        {
            RecalledAudioColumn = recalled ? names.RecalledAudio : null,
            RecalledVisualColumn = recalled ? names.RecalledVisual : null,
            EnhancedColumns = enhanced ? names.Enhanced : null,
        };
        if (recalled)
            binding.CheckRecalledShapes(schema);
        return binding;
    }

    /// <summary>Throws, naming the column, unless <paramref name="schema"/> gives this model what it was trained on.</summary>
    public void CheckCompatible(DataViewSchema schema)
    {
        var names = new FeatureColumnNames(AudioColumn, VisualColumn, QuestionColumn, AudioMissingColumn, VisualMissingColumn,
            RecalledAudioColumn ?? "", RecalledVisualColumn ?? "", QuestionIsTokens ? QuestionLength : 14);
        var other = FromSchema(schema, names, readRecalled: false);
        if (other.Segments != Segments || other.AudioDim != AudioDim)
            throw new ArgumentOutOfRangeException(nameof(schema), $"Audio column '{AudioColumn}' is [{other.Segments},{other.AudioDim}]; the model was trained on [{Segments},{AudioDim}].");
        if (other.VisualChannels != VisualChannels || other.VisualPositions != VisualPositions)
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"Visual column '{VisualColumn}' has {other.VisualChannels} channels × {other.VisualPositions} positions; the model was trained on {VisualChannels} × {VisualPositions}.");
        if (other.QuestionIsTokens != QuestionIsTokens || other.QuestionLength != QuestionLength || other.VocabularySize != VocabularySize)
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"Question column '{QuestionColumn}' does not match the model: it was trained on " +
                (QuestionIsTokens ? $"word ids over a vocabulary of {VocabularySize - 1} words" : $"vectors of {QuestionLength}") +
                ". Use the same fitted question transforms as in training.");
        if (HasRecalled)
        {
            foreach (string name in new[] { RecalledAudioColumn!, RecalledVisualColumn! })
            {
                if (schema.GetColumnOrNull(name) is null)
                    throw new ArgumentOutOfRangeException(nameof(schema),
                        $"Recalled column '{name}' was not found: this answerer was trained after a recaller (e.g. RmmGenerator); score it with the same pipeline.");
            }
            CheckRecalledShapes(schema);
        }
        foreach (string name in EnhancedColumns?.All ?? [])
        {
            if (schema.GetColumnOrNull(name) is null)
                throw new ArgumentOutOfRangeException(nameof(schema),
                    $"Enhanced column '{name}' was not found: this answerer was trained after an AVR diffusion; score it with the same pipeline.");
        }
        if (HasEnhanced)
            CheckRecalledShapes(schema);
    }

    public void Write(BinaryWriter writer)
    {
        foreach (string name in new[] { AudioColumn, VisualColumn, QuestionColumn, AudioMissingColumn, VisualMissingColumn }) writer.Write(name);
        foreach (int value in new[] { Segments, AudioDim, VisualChannels, VisualPositions, QuestionIsTokens ? 1 : 0, QuestionLength, VocabularySize })
            writer.Write(value);
    }

    /// <summary>Writes the recalled column names (empty strings without): a later addition to the saved formats.</summary>
    public void WriteRecalled(BinaryWriter writer)
    {
        writer.Write(RecalledAudioColumn ?? "");
        writer.Write(RecalledVisualColumn ?? "");
    }

    public static FeatureBinding Read(BinaryReader reader)
    {
        string audio = reader.ReadString(), visual = reader.ReadString(), question = reader.ReadString(),
            audioMissing = reader.ReadString(), visualMissing = reader.ReadString();
        return new FeatureBinding(audio, visual, question, audioMissing, visualMissing,
            reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32() == 1,
            reader.ReadInt32(), reader.ReadInt32());
    }

    /// <summary>Writes whether enhanced pairs are read and their names: a later addition to the saved formats.</summary>
    public void WriteEnhanced(BinaryWriter writer)
    {
        writer.Write(HasEnhanced);
        EnhancedColumns?.Write(writer);
    }

    public FeatureBinding ReadEnhanced(BinaryReader reader) =>
        this with { EnhancedColumns = reader.ReadBoolean() ? EnhancedPairColumns.Read(reader) : null };

    public FeatureBinding ReadRecalled(BinaryReader reader)
    {
        string audio = reader.ReadString(), visual = reader.ReadString();
        return this with { RecalledAudioColumn = audio.Length == 0 ? null : audio, RecalledVisualColumn = visual.Length == 0 ? null : visual };
    }

    private void CheckRecalledShapes(DataViewSchema schema)
    {
        CheckLength(schema, RecalledAudioColumn!, "Recalled audio", AudioLength, "the audio has");
        CheckLength(schema, RecalledVisualColumn!, "Recalled visual", VisualLength, "the visual features have");
        if (EnhancedColumns is { } enhanced)
        {
            CheckLength(schema, enhanced.RecalledAudio, "Enhanced audio", AudioLength, "the audio has");
            CheckLength(schema, enhanced.VisualWithRecalledAudio, "Enhanced visual", VisualLength, "the visual features have");
            CheckLength(schema, enhanced.AudioWithRecalledVisual, "Enhanced audio", AudioLength, "the audio has");
            CheckLength(schema, enhanced.RecalledVisual, "Enhanced visual", VisualLength, "the visual features have");
        }
    }

    private static void CheckLength(DataViewSchema schema, string column, string role, int expected, string original)
    {
        int length = SchemaChecks.KnownSizeSingleVector(schema, column, role);
        if (length != expected)
            throw new ArgumentOutOfRangeException(nameof(schema), $"{role} column '{column}' has {length} values per row; {original} {expected}.");
    }

    private static (int Segments, int Dim) AudioShape(DataViewSchema schema, string name)
    {
        SchemaChecks.KnownSizeSingleVector(schema, name, "Audio");
        var dims = ((VectorDataViewType)schema[name].Type).Dimensions;
        if (dims.Length != 2)
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"Audio column '{name}' must carry its shape [T, A] as vector dimensions (the Parquet reader does; with classes use [VectorType(T, A)]); it has [{string.Join(",", dims)}].");
        return (dims[0], dims[1]);
    }

    private static (int Segments, int Channels, int Positions) VisualShape(DataViewSchema schema, string name)
    {
        SchemaChecks.KnownSizeSingleVector(schema, name, "Visual");
        var dims = ((VectorDataViewType)schema[name].Type).Dimensions;
        return dims.Length switch
        {
            4 => (dims[0], dims[1], dims[2] * dims[3]),
            2 => (dims[0], dims[1], 1),
            _ => throw new ArgumentOutOfRangeException(nameof(schema),
                $"Visual column '{name}' must carry its shape [T, C, H, W] or [T, C] as vector dimensions; it has [{string.Join(",", dims)}]."),
        };
    }
}
