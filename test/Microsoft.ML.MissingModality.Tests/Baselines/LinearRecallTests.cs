using System.IO.Compression;
using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Baselines;
using Microsoft.ML.MissingModality.ModelProbe;
using Microsoft.ML.MissingModality.Tests.Support;
using Microsoft.ML.MissingModality.Training;

namespace Microsoft.ML.MissingModality.Tests.Baselines;

[TestClass]
public sealed class LinearRecallTests
{
    private const int InputSize = 6, TargetSize = 4;

    private sealed class Row
    {
        [VectorType(InputSize)] public float[] Visual { get; set; } = [];
        [VectorType(TargetSize)] public float[] Audio { get; set; } = [];
    }

    private sealed class Input
    {
        [VectorType(InputSize)] public float[] Visual { get; set; } = [];
    }

    private sealed class Output
    {
        public float[] RecalledFeatures { get; set; } = [];
    }

    // Audio = A·Visual + b + small noise, so the fitted map is known.
    private static (List<Row> Rows, float[,] A, float[] B) MakeRows(int count, int seed)
    {
        var random = new Random(seed);
        var a = new float[TargetSize, InputSize];
        var b = new float[TargetSize];
        for (int o = 0; o < TargetSize; o++)
        {
            b[o] = (float)(random.NextDouble() * 2 - 1);
            for (int i = 0; i < InputSize; i++) a[o, i] = (float)(random.NextDouble() * 2 - 1);
        }
        var rows = new List<Row>();
        for (int r = 0; r < count; r++)
        {
            var x = Enumerable.Range(0, InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var y = new float[TargetSize];
            for (int o = 0; o < TargetSize; o++)
            {
                y[o] = b[o] + (float)(random.NextDouble() - 0.5) * 1e-3f;
                for (int i = 0; i < InputSize; i++) y[o] += a[o, i] * x[i];
            }
            rows.Add(new Row { Visual = x, Audio = y });
        }
        return (rows, a, b);
    }

    private static LinearRecallTransformer Fit(MLContext context, List<Row> rows) =>
        context.MissingModality().LinearRecall("RecalledFeatures", "Visual", "Audio", l2Regularization: 1e-6)
            .Fit(context.Data.LoadFromEnumerable(rows));

    [TestMethod]
    public void Fit_LinearData_RecoversTheMap()
    {
        var context = new MLContext(seed: 1);
        var (rows, a, b) = MakeRows(200, seed: 7);
        var transformer = Fit(context, rows);

        var probe = new float[InputSize];
        probe[2] = 1f;
        var engine = context.Model.CreatePredictionEngine<Input, Output>(transformer);
        var recalled = engine.Predict(new Input { Visual = probe }).RecalledFeatures;
        Assert.HasCount(TargetSize, recalled);
        for (int o = 0; o < TargetSize; o++)
            Assert.AreEqual(a[o, 2] + b[o], recalled[o], 1e-2, $"output {o}");
    }

    [TestMethod]
    public void SaveLoad_FreshContext_PredictsTheSame()
    {
        var (rows, _, _) = MakeRows(64, seed: 3);
        var fitContext = new MLContext(seed: 1);
        var data = fitContext.Data.LoadFromEnumerable(rows);
        var transformer = Fit(fitContext, rows);
        var before = Predict(fitContext, transformer, rows);

        string directory = TestPaths.NewTempDirectory();
        try
        {
            string path = Path.Combine(directory, "model.zip");
            fitContext.Model.Save(transformer, data.Schema, path);

            // The torch state travels inside the zip as its own entry.
            using (var zip = ZipFile.OpenRead(path))
                Assert.IsTrue(zip.Entries.Any(e => e.FullName.EndsWith("LinearRecallWeights", StringComparison.Ordinal)),
                    string.Join(", ", zip.Entries.Select(e => e.FullName)));

            var loadContext = new MLContext(seed: 2);
            var loaded = loadContext.Model.Load(path, out var inputSchema);
            Assert.AreEqual("Visual", inputSchema[0].Name);
            FloatAssert.AreClose(before, Predict(loadContext, loaded, rows));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void SaveLoad_FreshProcess_PredictsTheSame()
    {
        var (rows, _, _) = MakeRows(32, seed: 5);
        var context = new MLContext(seed: 1);
        var data = context.Data.LoadFromEnumerable(rows);
        var transformer = Fit(context, rows);
        var before = Predict(context, transformer, rows);

        string directory = TestPaths.NewTempDirectory();
        try
        {
            string model = Path.Combine(directory, "model.zip"), inputs = Path.Combine(directory, "in.f32"), outputs = Path.Combine(directory, "out.f32");
            context.Model.Save(transformer, data.Schema, model);
            FloatMatrixFile.Write(inputs, rows.Count, rows.SelectMany(r => r.Visual).ToArray());

            ProbeProcess.Run("linear-recall", model, inputs, outputs);

            var (outRows, after) = FloatMatrixFile.Read(outputs);
            Assert.AreEqual(rows.Count, outRows);
            FloatAssert.AreClose(before, after);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void Save_TransformedDataView_RoundTripsThroughTheRowMapperLoader()
    {
        var (rows, _, _) = MakeRows(16, seed: 11);
        var context = new MLContext(seed: 1);
        var transformer = Fit(context, rows);
        var chain = new TransformerChain<LinearRecallTransformer>(transformer);
        var before = Predict(context, chain, rows);

        using var stream = new MemoryStream();
        context.Model.Save(chain, context.Data.LoadFromEnumerable(rows).Schema, stream);
        stream.Position = 0;
        var loaded = new MLContext(seed: 3).Model.Load(stream, out _);
        FloatAssert.AreClose(before, Predict(context, loaded, rows));
    }

    [TestMethod]
    public void Fit_NaNInput_NamesColumnAndRow()
    {
        var (rows, _, _) = MakeRows(8, seed: 1);
        rows[5].Visual[3] = float.NaN;
        var context = new MLContext(seed: 1);
        var error = Assert.ThrowsExactly<InvalidDataException>(() => Fit(context, rows));
        StringAssert.Contains(error.Message, "'Visual'");
        StringAssert.Contains(error.Message, "row 5");
    }

    [TestMethod]
    public void Fit_MissingColumn_NamesIt()
    {
        var context = new MLContext(seed: 1);
        var data = context.Data.LoadFromEnumerable(MakeRows(4, seed: 1).Rows);
        var estimator = context.MissingModality().LinearRecall("Out", "Visual", "Sound");
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        StringAssert.Contains(error.Message, "'Sound'");
    }

    [TestMethod]
    public void Transform_WrongVectorSize_NamesColumnAndSizes()
    {
        var context = new MLContext(seed: 1);
        var transformer = Fit(context, MakeRows(16, seed: 1).Rows);
        var other = context.Data.LoadFromEnumerable(new[] { new { Visual = new float[3] } }.Select(r => new Small { Visual = r.Visual }));
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => transformer.Transform(other));
        StringAssert.Contains(error.Message, "'Visual'");
        StringAssert.Contains(error.Message, "3");
    }

    [TestMethod]
    public void Options_NonPositiveRidge_Rejected()
    {
        var context = new MLContext(seed: 1);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => context.MissingModality().LinearRecall("O", "I", "T", l2Regularization: 0));
    }

    [TestMethod]
    public void Fit_GpuDemandedWithoutOne_ThrowsTypedError()
    {
        if (TorchDeviceSelector.CountCudaDevices() > 0)
            Assert.Inconclusive("This machine has a GPU; the no-GPU path is not reachable here.");
        var context = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = false };
        Assert.ThrowsExactly<GpuUnavailableException>(() => Fit(context, MakeRows(8, seed: 1).Rows));
    }

    [TestMethod]
    public void Fit_OnGpu_WhenOneIsPresent_MatchesCpu()
    {
        if (TorchDeviceSelector.CountCudaDevices() == 0)
            Assert.Inconclusive("No CUDA device here; the GPU path is tested on a machine with one.");
        var rows = MakeRows(64, seed: 9).Rows;
        var cpu = Predict(new MLContext(seed: 1), Fit(new MLContext(seed: 1), rows), rows);
        var gpuContext = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = false };
        var gpu = Predict(gpuContext, Fit(gpuContext, rows), rows);
        for (int i = 0; i < cpu.Length; i++)
            Assert.AreEqual(cpu[i], gpu[i], 1e-3);
    }

    private sealed class Small
    {
        [VectorType(3)] public float[] Visual { get; set; } = [];
    }

    private static float[] Predict(MLContext context, ITransformer model, List<Row> rows)
    {
        var engine = context.Model.CreatePredictionEngine<Input, Output>(model);
        return rows.SelectMany(r => engine.Predict(new Input { Visual = r.Visual }).RecalledFeatures).ToArray();
    }
}
