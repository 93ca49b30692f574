using Microsoft.ML.Data;

namespace Microsoft.ML.MissingModality.Data;

/// <summary>Copies an IDataView with the <see cref="AvqaColumns"/> columns into a <see cref="DatasetSplitWriter"/>.</summary>
internal static class DataViewDatasetSaver
{
    private const string Source = "IDataView";

    public static FeatureShape ShapeOf(DataViewSchema schema)
    {
        var audio = VectorColumn(schema, AvqaColumns.Audio);
        var visual = VectorColumn(schema, AvqaColumns.Visual);
        if (audio.Dimensions.Length != 2 || visual.Dimensions.Length is < 2 or > 4 || audio.Dimensions[0] != visual.Dimensions[0])
            throw new AvqaDataException(Source, AvqaColumns.Audio, null,
                $"Cannot infer the feature shape from dimensions audio [{string.Join(",", audio.Dimensions)}] and visual [{string.Join(",", visual.Dimensions)}]; pass the shape.");
        return new FeatureShape(audio.Dimensions[0], audio.Dimensions[1], visual.Dimensions.Skip(1).ToArray());
    }

    public static void WriteSplit(IDataView data, DatasetSplitWriter split, FeatureShape shape)
    {
        var schema = data.Schema;
        var textColumns = new[] { AvqaColumns.QuestionId, AvqaColumns.VideoId, AvqaColumns.Question, AvqaColumns.QuestionType, AvqaColumns.Template, AvqaColumns.Answer }
            .Select(name => TextColumn(schema, name)).ToArray();
        var audioColumn = schema[AvqaColumns.Audio];
        var visualColumn = schema[AvqaColumns.Visual];
        CheckLength(VectorColumn(schema, AvqaColumns.Audio), shape.AudioLength, AvqaColumns.Audio);
        CheckLength(VectorColumn(schema, AvqaColumns.Visual), shape.VisualLength, AvqaColumns.Visual);
        var audioMissingColumn = OptionalBool(schema, AvqaColumns.AudioMissing);
        var visualMissingColumn = OptionalBool(schema, AvqaColumns.VisualMissing);
        var needed = textColumns.Append(audioColumn).Append(visualColumn).ToList();
        if (audioMissingColumn is { } am)
            needed.Add(am);
        if (visualMissingColumn is { } vm)
            needed.Add(vm);

        using var cursor = Internal.SerialCursor.Open(data, needed);
        var text = textColumns.Select(c => cursor.GetGetter<ReadOnlyMemory<char>>(c)).ToArray();
        var audioGetter = cursor.GetGetter<VBuffer<float>>(audioColumn);
        var visualGetter = cursor.GetGetter<VBuffer<float>>(visualColumn);
        var audioMissingGetter = audioMissingColumn is { } a ? cursor.GetGetter<bool>(a) : null;
        var visualMissingGetter = visualMissingColumn is { } v ? cursor.GetGetter<bool>(v) : null;
        var values = new ReadOnlyMemory<char>[text.Length];
        VBuffer<float> audio = default, visual = default;
        float[] audioArray = new float[shape.AudioLength], visualArray = new float[shape.VisualLength];
        var written = new HashSet<string>(StringComparer.Ordinal);
        long row = 0;
        while (cursor.MoveNext())
        {
            for (int i = 0; i < text.Length; i++)
                text[i](ref values[i]);
            string videoId = values[1].ToString();
            if (written.Add(videoId))
            {
                bool audioMissing = false, visualMissing = false;
                audioMissingGetter?.Invoke(ref audioMissing);
                visualMissingGetter?.Invoke(ref visualMissing);
                audioGetter(ref audio);
                visualGetter(ref visual);
                audio.CopyTo(audioArray);
                visual.CopyTo(visualArray);
                split.WriteVideo(new VideoFeatures(videoId, audioMissing ? null : audioArray, visualMissing ? null : visualArray));
            }
            if (!QuestionType.TryParse(values[3].ToString(), out var type))
                throw new AvqaDataException(Source, AvqaColumns.QuestionType, row, $"Unknown question type '{values[3]}'. Expected one of: {string.Join(", ", QuestionType.All)}.");
            split.WriteQuestion(new QuestionRecord(values[0].ToString(), videoId, values[2].ToString(), type, values[4].ToString(), values[5].ToString()));
            row++;
        }
    }

    private static DataViewSchema.Column TextColumn(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name) ?? throw new AvqaDataException(Source, name, null, "Required column is missing.");
        return column.Type is TextDataViewType ? column : throw new AvqaDataException(Source, name, null, $"Column has type {column.Type}; expected text.");
    }

    private static VectorDataViewType VectorColumn(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name) ?? throw new AvqaDataException(Source, name, null, "Required column is missing.");
        return column.Type is VectorDataViewType { ItemType: NumberDataViewType n, IsKnownSize: true } vector && n.RawType == typeof(float)
            ? vector
            : throw new AvqaDataException(Source, name, null, $"Column has type {column.Type}; expected a known-size vector of Single.");
    }

    private static void CheckLength(VectorDataViewType type, int expected, string name)
    {
        if (type.Size != expected)
            throw new AvqaDataException(Source, name, null, $"Vector size {type.Size} does not match the shape's {expected} values.");
    }

    private static DataViewSchema.Column? OptionalBool(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name);
        if (column is { } c && c.Type is not BooleanDataViewType)
            throw new AvqaDataException(Source, name, null, $"Column has type {c.Type}; expected Boolean.");
        return column;
    }
}
