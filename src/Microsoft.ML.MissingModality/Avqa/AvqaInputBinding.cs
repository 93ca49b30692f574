using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Columns;
using Microsoft.ML.MissingModality.Modeling;

namespace Microsoft.ML.MissingModality.Avqa;

/// <summary>
/// How an AVQA model reads its inputs: column names and the shapes read off the training schema (segments, audio
/// size, visual channels and positions, question form and vocabulary). Saved with the model, and checked against
/// every schema it later scores.
/// </summary>
internal sealed record AvqaInputBinding(
    string AudioColumn, string VisualColumn, string QuestionColumn, string AudioMissingColumn, string VisualMissingColumn,
    int Segments, int AudioDim, int VisualChannels, int VisualPositions, bool QuestionIsTokens, int QuestionLength, int VocabularySize)
{
    public int AudioLength => Segments * AudioDim;

    public int VisualLength => Segments * VisualChannels * VisualPositions;

    public IReadOnlyList<string> InputColumns => [AudioColumn, VisualColumn, QuestionColumn, AudioMissingColumn, VisualMissingColumn];

    public static AvqaInputBinding FromSchema(DataViewSchema schema, AvqaTrainerOptions options)
    {
        var (segments, audioDim) = AudioShape(schema, options.AudioColumnName);
        var (visualSegments, channels, positions) = VisualShape(schema, options.VisualColumnName);
        if (visualSegments != segments)
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"Audio column '{options.AudioColumnName}' has {segments} segments but visual column '{options.VisualColumnName}' has {visualSegments}.");
        var question = schema.GetColumnOrNull(options.QuestionColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(schema),
                $"Question column '{options.QuestionColumnName}' was not found. Tokenize the question (TokenizeIntoWords, then MapValueToKey) into it, or give a precomputed vector.");
        bool tokens;
        int length, vocabulary;
        switch (question.Type)
        {
            case VectorDataViewType { ItemType: KeyDataViewType key } when key.RawType == typeof(uint):
                tokens = true;
                length = options.MaxQuestionTokens;
                vocabulary = checked((int)key.Count + 1);
                break;
            case VectorDataViewType { ItemType: NumberDataViewType number, IsKnownSize: true } vector when number == NumberDataViewType.Single:
                tokens = false;
                length = vector.Size;
                vocabulary = 0;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(schema),
                    $"Question column '{options.QuestionColumnName}' must be a vector of keys (word ids) or a known-size vector of Single, but is {question.Type}.");
        }
        foreach (string flag in new[] { options.AudioMissingColumnName, options.VisualMissingColumnName })
        {
            if (schema.GetColumnOrNull(flag) is { } column && column.Type is not BooleanDataViewType)
                throw new ArgumentOutOfRangeException(nameof(schema), $"Missing-flag column '{flag}' must be Boolean, but is {column.Type}.");
        }
        return new AvqaInputBinding(options.AudioColumnName, options.VisualColumnName, options.QuestionColumnName,
            options.AudioMissingColumnName, options.VisualMissingColumnName, segments, audioDim, channels, positions, tokens, length, vocabulary);
    }

    /// <summary>Throws, naming the column, unless <paramref name="schema"/> gives this model what it was trained on.</summary>
    public void CheckCompatible(DataViewSchema schema)
    {
        var options = new AvqaTrainerOptions
        {
            AudioColumnName = AudioColumn, VisualColumnName = VisualColumn, QuestionColumnName = QuestionColumn,
            AudioMissingColumnName = AudioMissingColumn, VisualMissingColumnName = VisualMissingColumn,
            MaxQuestionTokens = QuestionIsTokens ? QuestionLength : 14,
        };
        var other = FromSchema(schema, options);
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
    }

    public AvstConfig ToConfig(AvqaTrainerOptions options, int answerCount) => new()
    {
        Segments = Segments,
        AudioDim = AudioDim,
        VisualChannels = VisualChannels,
        VisualPositions = VisualPositions,
        QuestionInput = QuestionIsTokens ? QuestionInputKind.Tokens : QuestionInputKind.Vector,
        VocabularySize = QuestionIsTokens ? VocabularySize : 0,
        MaxQuestionTokens = QuestionIsTokens ? QuestionLength : 14,
        QuestionVectorSize = QuestionIsTokens ? 0 : QuestionLength,
        HiddenSize = options.HiddenSize,
        WordEmbeddingSize = options.HiddenSize,
        Dropout = options.Dropout,
        AnswerCount = answerCount,
        MatchingLossWeight = options.MatchingLossWeight,
    };

    public void Write(BinaryWriter writer)
    {
        foreach (string name in InputColumns) writer.Write(name);
        foreach (int value in new[] { Segments, AudioDim, VisualChannels, VisualPositions, QuestionIsTokens ? 1 : 0, QuestionLength, VocabularySize })
            writer.Write(value);
    }

    public static AvqaInputBinding Read(BinaryReader reader)
    {
        string audio = reader.ReadString(), visual = reader.ReadString(), question = reader.ReadString(),
            audioMissing = reader.ReadString(), visualMissing = reader.ReadString();
        return new AvqaInputBinding(audio, visual, question, audioMissing, visualMissing,
            reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32() == 1,
            reader.ReadInt32(), reader.ReadInt32());
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
