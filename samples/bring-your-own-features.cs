#:package Microsoft.ML.MissingModality@0.1.0
#:package Microsoft.ML.MissingModality.Datasets@0.1.0
#:property ManagePackageVersionsCentrally=false
#:property PublishAot=false
// The twin of notebooks/bring-your-own-features.ipynb, which is generated from this file (samples/README.md). Run
// it with `dotnet run samples/bring-your-own-features.cs` once `dotnet pack -c Release` has filled local-feed/.
// %% [markdown]
// # Bring your own features: the MUSIC-AVQA files in, a dataset out
//
// The paper's features are precomputed per video: VGGish audio (`{video_id}.npy`, `[60, 128]`, one row per
// second) and ResNet-18 visual maps (`[60, 512, 14, 14]`, or pooled `[60, 512]`), beside the official question
// file (`avqa-train.json`, `avqa-val.json`, `avqa-test.json`). `MusicAvqaImporter` checks them, keeps every 6th
// second (10 segments, as AVST does) and writes the library's Parquet dataset.
//
// The real features are tens of gigabytes and cannot be fetched here, so this notebook writes a few stand-in
// files in exactly that layout (random numbers, with `NpyFile.Write`, as `numpy.save` would) and imports them.
// Point `questions`, `audioFolder` and `visualFolder` at your own files instead.
// %%
using Microsoft.ML;
using Microsoft.ML.MissingModality.Data;
using Microsoft.ML.MissingModality.Datasets;

string work = Path.Combine(Path.GetTempPath(), "mm-bring-your-own");
if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
string audioFolder = Directory.CreateDirectory(Path.Combine(work, "vggish")).FullName;
string visualFolder = Directory.CreateDirectory(Path.Combine(work, "resnet18")).FullName;
string questions = Path.Combine(work, "avqa-val.json");

// Three videos; the third has lost its audio file (a broken microphone).
var random = new Random(1);
float[] Features(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)random.NextDouble())];
foreach (string video in new[] { "00000028", "00000108", "00000215" })
{
    if (video != "00000215")
        NpyFile.Write(Path.Combine(audioFolder, video + ".npy"), Features(60 * 128), [60, 128]);
    NpyFile.Write(Path.Combine(visualFolder, video + ".npy"), Features(60 * 512), [60, 512]);
}
// The official question format (the first entries of MUSIC-AVQA's avqa-val.json, whose field for the answer is "anser").
File.WriteAllText(questions, """
[
  {"video_id": "00000028", "question_id": 7, "type": "[\"Audio-Visual\", \"Existential\"]", "question_content": "Is the <Object> in the video always playing?", "templ_values": "[\"ukulele\"]", "question_deleted": 0, "anser": "yes"},
  {"video_id": "00000108", "question_id": 10, "type": "[\"Audio\", \"Comparative\"]", "question_content": "Is the <Object> louder than the <Object>?", "templ_values": "[\"guzheng\", \"piano\"]", "question_deleted": 0, "anser": "yes"},
  {"video_id": "00000215", "question_id": 12, "type": "[\"Visual\", \"Counting\"]", "question_content": "How many <Object> are in the entire video?", "templ_values": "[\"violin\"]", "question_deleted": 0, "anser": "two"}
]
""");
// %% [markdown]
// ## Import
//
// A video without one of its two files is left out by default and counted; `KeepPartialVideos` writes it with the
// lost modality stored as missing (a null list), which is what the missing-modality pipeline is for.
// %%
string dataset = Path.Combine(work, "dataset");
var result = MusicAvqaImporter.Import(new MusicAvqaImportOptions
{
    QuestionsPath = questions,
    AudioDirectory = audioFolder,
    VisualDirectory = visualFolder,
    OutputDirectory = dataset,
    KeepPartialVideos = true,
});
Console.WriteLine($"split '{result.Split}': {result.VideosWritten} videos, {result.QuestionsWritten} questions written; {result.VideosSkipped} videos skipped");
Console.WriteLine($"feature shape: {result.Manifest.Shape}");
// %% [markdown]
// ## Read it back
//
// `LoadFromAvqaDataset` streams one row per question: the text, its type, the answer, the video's features as
// known-size vectors and a missing flag per modality.
// %%
var mlContext = new MLContext(seed: 1);
var rows = mlContext.Data.LoadFromAvqaDataset(dataset, result.Split);
var preview = rows.Preview();
foreach (var row in preview.RowView)
{
    var values = row.Values.ToDictionary(v => v.Key, v => v.Value);
    Console.WriteLine($"{values["VideoId"]}  {values["QuestionType"],-26} audio missing: {values["AudioMissing"],-5}  {values["Question"]} -> {values["Answer"]}");
}
Console.WriteLine($"Audio: {rows.Schema["Audio"].Type}, Visual: {rows.Schema["Visual"].Type}");
