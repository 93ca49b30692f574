// Writes arrow-written/ : a tiny dataset whose two Parquet tables come from Apache Arrow's C++ Parquet writer
// (the writer inside pyarrow), so list columns have max definition level 3 (nullable list, nullable element)
// and strings are nullable, exactly as `pyarrow.parquet.write_table` produces them. generate_arrow_fixture.py
// beside this file is the equivalent pyarrow script. Run from this folder:  dotnet run generate-arrow-fixture.cs
// (the output goes to ../Microsoft.ML.MissingModality.Tests/Data/Fixtures/arrow-written/).
#:package ParquetSharp@25.0.1.2
#:package Apache.Arrow@23.0.0
#:property ManagePackageVersionsCentrally=false
#:property TreatWarningsAsErrors=false
using Apache.Arrow;
using Apache.Arrow.Types;
using ParquetSharp.Arrow;

const int Segments = 2, AudioDim = 4, Channels = 3;
string dir = Path.Combine(Directory.GetCurrentDirectory(), "..", "Microsoft.ML.MissingModality.Tests", "Data", "Fixtures", "arrow-written");
Directory.CreateDirectory(dir);

// Videos: v0 has both modalities, v1 misses its audio, v2 misses its picture. Values: video*100 + index.
var audio = new ListArray.Builder(FloatType.Default);
var visual = new ListArray.Builder(FloatType.Default);
var audioValues = (FloatArray.Builder)audio.ValueBuilder;
var visualValues = (FloatArray.Builder)visual.ValueBuilder;
for (int v = 0; v < 3; v++)
{
    if (v == 1) audio.AppendNull();
    else { audio.Append(); for (int i = 0; i < Segments * AudioDim; i++) audioValues.Append(v * 100 + i); }
    if (v == 2) visual.AppendNull();
    else { visual.Append(); for (int i = 0; i < Segments * Channels; i++) visualValues.Append(-(v * 100 + i)); }
}
var ids = new StringArray.Builder().AppendRange(["v0", "v1", "v2"]).Build();
var videoSchema = new Schema.Builder()
    .Field(f => f.Name("video_id").DataType(StringType.Default).Nullable(true))
    .Field(f => f.Name("audio").DataType(new ListType(new Field("element", FloatType.Default, true))).Nullable(true))
    .Field(f => f.Name("visual").DataType(new ListType(new Field("element", FloatType.Default, true))).Nullable(true))
    .Build();
Write(Path.Combine(dir, "val.videos.parquet"), new RecordBatch(videoSchema, [ids, audio.Build(), visual.Build()], 3));

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
Write(Path.Combine(dir, "val.questions.parquet"), new RecordBatch(qSchema.Build(), columns, questions.Length));

File.WriteAllText(Path.Combine(dir, "dataset.json"), """
{
  "format": "avqa-dataset",
  "schemaVersion": "1.0",
  "shape": { "segments": 2, "audioDim": 4, "visualDims": [3] },
  "splits": {
    "val": { "videosFile": "val.videos.parquet", "questionsFile": "val.questions.parquet", "videos": 3, "questions": 4 }
  }
}
""");
Console.WriteLine("wrote " + dir);

static void Write(string path, RecordBatch batch)
{
    using var writer = new FileWriter(path, batch.Schema);
    writer.WriteRecordBatch(batch);
    writer.Close();
}
