// Usage: ModelProbe linear-recall <model.zip> <inputs.f32> <outputs.f32>
//        ModelProbe avqa <model.zip> <rows.json> <predictions.json>
//        ModelProbe torch-load
// The .f32 files hold: int32 rows, int32 size, then rows×size float32 values.
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.ModelProbe;

if (args.Length == 1 && args[0] == "torch-load")
    return TorchLoadProbe.Run();
if (args.Length == 4 && args[0] == "avqa")
    return AvqaProbe.Run(args[1], args[2], args[3]);
if (args.Length != 4 || args[0] != "linear-recall")
{
    Console.Error.WriteLine("usage: ModelProbe linear-recall|avqa <model.zip> <inputs> <outputs>");
    return 2;
}

var context = new MLContext(seed: 1);
var model = context.Model.Load(args[1], out var inputSchema);
var (rows, inputs) = FloatMatrixFile.Read(args[2]);
int size = inputs.Length / rows;

string inputName = inputSchema[0].Name;
var definition = SchemaDefinition.Create(typeof(VectorRow));
var features = definition.Single(c => c.MemberName == nameof(VectorRow.Features));
features.ColumnName = inputName;
features.ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
var engine = context.Model.CreatePredictionEngine<VectorRow, RecalledRow>(model, inputSchemaDefinition: definition);

var outputs = new List<float>();
for (int r = 0; r < rows; r++)
{
    var prediction = engine.Predict(new VectorRow { Features = inputs.AsSpan(r * size, size).ToArray() });
    outputs.AddRange(prediction.RecalledFeatures);
}
FloatMatrixFile.Write(args[3], rows, outputs.ToArray());
return 0;
