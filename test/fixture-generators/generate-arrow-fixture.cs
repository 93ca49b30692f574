// Writes three tiny datasets whose Parquet tables come from Apache Arrow's C++ Parquet writer (the writer inside
// pyarrow), so list columns have max definition level 3 (nullable list, nullable element) and strings are nullable,
// exactly as `pyarrow.parquet.write_table` produces them:
//   arrow-written/          Arrow's defaults (dictionary-encoded values): read through Parquet.Net.
//   arrow-plain-pages-v1/   no dictionary, Snappy, pages of a few values, so lists run across data pages (v1).
//   arrow-plain-pages-v2/   the same with data pages of version 2 (levels stored apart from the values).
// The two plain layouts are what the library's own page decoder reads. generate_arrow_fixture.py beside this file is
// the equivalent pyarrow script. Run from this folder:  dotnet run generate-arrow-fixture.cs
// (the output goes to ../Microsoft.ML.MissingModality.Tests/Data/Fixtures/).
#:package ParquetSharp@25.0.1.2
#:package Apache.Arrow@23.0.0
#:property ManagePackageVersionsCentrally=false
#:property TreatWarningsAsErrors=false
using Apache.Arrow;
using Apache.Arrow.Types;
using ParquetSharp;
using ParquetSharp.Arrow;

const int Segments = 2, AudioDim = 4, Channels = 3;
string fixtures = Path.Combine(Directory.GetCurrentDirectory(), "..", "Microsoft.ML.MissingModality.Tests", "Data", "Fixtures");

WriteDataset("arrow-written", videos: 3, properties: null);
WriteDataset("arrow-plain-pages-v1", videos: 6, PlainPages(ParquetDataPageVersion.V1));
WriteDataset("arrow-plain-pages-v2", videos: 6, PlainPages(ParquetDataPageVersion.V2));

// Pages cut after every few values (a page holds part of a list), values PLAIN, with page checksums.
static WriterProperties PlainPages(ParquetDataPageVersion version)
{
    using var builder = new WriterPropertiesBuilder();
    return builder.DisableDictionary().Compression(Compression.Snappy).DataPagesize(16).WriteBatchSize(5)
        .DataPageVersion(version).EnablePageChecksum().Build();
}

void WriteDataset(string name, int videos, WriterProperties? properties)
{
    string dir = Path.Combine(fixtures, name);
    Directory.CreateDirectory(dir);

    // Videos: v1 misses its audio, v2 misses its picture, the others have both. Values: ±(video*100 + index).
    var audio = new ListArray.Builder(FloatType.Default);
    var visual = new ListArray.Builder(FloatType.Default);
    var audioValues = (FloatArray.Builder)audio.ValueBuilder;
    var visualValues = (FloatArray.Builder)visual.ValueBuilder;
    for (int v = 0; v < videos; v++)
    {
        if (v == 1) audio.AppendNull();
        else { audio.Append(); for (int i = 0; i < Segments * AudioDim; i++) audioValues.Append(v * 100 + i); }
        if (v == 2) visual.AppendNull();
        else { visual.Append(); for (int i = 0; i < Segments * Channels; i++) visualValues.Append(-(v * 100 + i)); }
    }
    var ids = new StringArray.Builder().AppendRange(Enumerable.Range(0, videos).Select(v => $"v{v}")).Build();
    var videoSchema = new Schema.Builder()
        .Field(f => f.Name("video_id").DataType(StringType.Default).Nullable(true))
        .Field(f => f.Name("audio").DataType(new ListType(new Field("element", FloatType.Default, true))).Nullable(true))
        .Field(f => f.Name("visual").DataType(new ListType(new Field("element", FloatType.Default, true))).Nullable(true))
        .Build();
    Write(Path.Combine(dir, "val.videos.parquet"), new RecordBatch(videoSchema, [ids, audio.Build(), visual.Build()], videos), properties);

    string[][] questions =
    [
        ["1", "v0", "How many instruments are sounding?", "Audio/Counting", "How many instruments are sounding?", "two"],
        ["2", "v1", "Is the violin on the left?", "Visual/Location", "Is the <Object> on the <LR>?", "yes"],
        ["3", "v2", "Which is louder, the violin or the piano?", "Audio-Visual/Comparative", "Which is louder, the <Object> or the <Object>?", "piano"],
        ["4", "v0", "Is the piano playing?", "Audio-Visual/Existential", "Is the <Object> playing?", "no"],
    ];
    string[] names = ["question_id", "video_id", "question", "question_type", "template", "answer"];
    var qSchema = new Schema.Builder();
    foreach (var n in names) qSchema.Field(f => f.Name(n).DataType(StringType.Default).Nullable(true));
    var columns = names.Select((_, c) => (IArrowArray)new StringArray.Builder().AppendRange(questions.Select(q => q[c])).Build()).ToArray();
    Write(Path.Combine(dir, "val.questions.parquet"), new RecordBatch(qSchema.Build(), columns, questions.Length), null);

    File.WriteAllText(Path.Combine(dir, "dataset.json"), $$"""
{
  "format": "avqa-dataset",
  "schemaVersion": "1.0",
  "shape": { "segments": 2, "audioDim": 4, "visualDims": [3] },
  "splits": {
    "val": { "videosFile": "val.videos.parquet", "questionsFile": "val.questions.parquet", "videos": {{videos}}, "questions": 4 }
  }
}

""");
    Console.WriteLine("wrote " + dir);
}

static void Write(string path, RecordBatch batch, WriterProperties? properties)
{
    using var writer = properties is null ? new FileWriter(path, batch.Schema) : new FileWriter(path, batch.Schema, properties);
    writer.WriteRecordBatch(batch);
    writer.Close();
}
