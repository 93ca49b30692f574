#:project ../../src/Microsoft.ML.MissingModality
#:property PublishAot=false
// AVST trained and tested with one modality removed from every row: what can it read from the other one alone?
// Usage (from the repository root): dotnet run bench/probes/single-modality-avst.cs -- DATASET audio|visual EPOCHS BATCH
// The named modality is removed (zero-filled and flagged missing, as the missing-modality scenario does) from every
// training row and every test row; the table printed is the test split's accuracy. Used for
// docs/synthetic-benchmark.md, "What AVST reads from each modality".
using Microsoft.ML;
using Microsoft.ML.MissingModality.Avqa;
using Microsoft.ML.MissingModality.Scenarios;

var ml = new MLContext(seed: 1);
var mm = ml.MissingModality();
string data = args[0], drop = args[1];
int epochs = int.Parse(args[2]), batch = int.Parse(args[3]);
IDataView Drop(IDataView d) => mm.SimulateMissingModality(MissingModalityScenario.Parse(drop)).Fit(d).Transform(d);
var train = Drop(ml.Data.LoadFromAvqaDataset(data, "train"));
var test = Drop(ml.Data.LoadFromAvqaDataset(data, "test"));
var pipeline = mm.FeaturizeQuestion().Append(mm.MapAnswerToLabel())
    .Append(mm.AvqaTrainer(new AvqaTrainerOptions { Epochs = epochs, BatchSize = batch, Seed = 1,
        Progress = r => Console.WriteLine(r.ToString()) }));
var model = pipeline.Fit(train);
Console.Write(mm.Evaluate(model.Transform(test)).ToMarkdown($"trained and tested with {drop} missing"));
