using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML.MissingModality.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// A component's training checkpoints in one folder: after every epoch, everything that decides the rest of the run —
/// the weights, Adam's moments, the best epoch's weights and score, the early-stopping count, libtorch's global random
/// state and the objective's generators, and the reports so far — so that a run killed at any point and started again
/// ends with the same weights as one never interrupted. Each checkpoint is written into a temporary folder, renamed
/// to <c>epoch-NNNN</c>, and only then named in <c>latest.json</c> (an atomic rename): a kill leaves the previous one.
/// </summary>
internal sealed class TrainingCheckpoint(string directory, string fingerprint)
{
    private const string LatestFile = "latest.json";

    /// <summary>What the loop needs besides the tensors to continue after <see cref="Epoch"/>.</summary>
    public sealed record LoopState(int Epoch, double BestScore, int EpochsWithoutImprovement, IReadOnlyList<EpochReport> Reports);

    public string Directory { get; } = directory;

    /// <summary>
    /// Restores the last complete checkpoint into the network, optimizer and generators; returns its loop state and
    /// the best weights (or null when none was kept), or null when there is no checkpoint yet.
    /// </summary>
    /// <exception cref="InvalidDataException">The checkpoint belongs to another training (other options or data shape) or is damaged.</exception>
    public (LoopState State, Dictionary<string, Tensor>? Best)? TryRestore(nn.Module network, HeldScalarAdam optimizer, IReadOnlyList<Generator> generators)
    {
        string latest = Path.Combine(Directory, LatestFile);
        if (!File.Exists(latest))
            return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(latest));
            var root = document.RootElement;
            if (root.GetProperty("fingerprint").GetString() != fingerprint)
                throw new InvalidDataException($"The checkpoint in '{Directory}' was written by a training with other options or data; delete it or choose another folder.");
            string folder = Path.Combine(Directory, root.GetProperty("folder").GetString()!);
            var state = new LoopState(
                root.GetProperty("epoch").GetInt32(),
                root.GetProperty("bestScore").GetDouble(),
                root.GetProperty("epochsWithoutImprovement").GetInt32(),
                root.GetProperty("reports").EnumerateArray().Select(ReadReport).ToList());
            using (var reader = Open(folder, "network.bin"))
                network.load(reader);
            using (var reader = Open(folder, "optimizer.bin"))
                optimizer.LoadMoments(reader);
            using (var reader = Open(folder, "random.bin"))
            {
                using var global = random.get_rng_state();
                TensorExtensionMethods.Load(global, reader);
                random.set_rng_state(global);
                foreach (var generator in generators)
                {
                    using var generatorState = generator.get_state();
                    TensorExtensionMethods.Load(generatorState, reader);
                    generator.set_state(generatorState);
                }
            }
            Dictionary<string, Tensor>? best = null;
            if (root.GetProperty("hasBest").GetBoolean())
            {
                using var reader = Open(folder, "best.bin");
                using var _ = no_grad();
                best = network.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone().DetachFromDisposeScope());
                foreach (var (_, tensor) in best)
                    TensorExtensionMethods.Load(tensor, reader);
            }
            return (state, best);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or EndOfStreamException or IOException or ArgumentException)
        {
            throw new InvalidDataException($"The checkpoint in '{Directory}' cannot be read ({e.Message}); delete it to start over.", e);
        }
    }

    /// <summary>Writes the checkpoint of the epoch just completed and makes it the latest; older ones are removed.</summary>
    public void Save(LoopState state, nn.Module network, HeldScalarAdam optimizer, IReadOnlyList<Generator> generators, Dictionary<string, Tensor>? best)
    {
        System.IO.Directory.CreateDirectory(Directory);
        string name = string.Create(CultureInfo.InvariantCulture, $"epoch-{state.Epoch:D4}");
        string folder = Path.Combine(Directory, name);
        TemporaryOutput.RemoveAbandoned(folder);
        string temporary = TemporaryOutput.Beside(folder);
        try
        {
            System.IO.Directory.CreateDirectory(temporary);
            Write(temporary, "network.bin", writer => network.save(writer));
            Write(temporary, "optimizer.bin", optimizer.SaveMoments);
            Write(temporary, "random.bin", writer =>
            {
                using (var global = random.get_rng_state())
                    TensorExtensionMethods.Save(global, writer);
                foreach (var generator in generators)
                {
                    using var generatorState = generator.get_state();
                    TensorExtensionMethods.Save(generatorState, writer);
                }
            });
            if (best is not null)
            {
                Write(temporary, "best.bin", writer =>
                {
                    foreach (var (_, tensor) in best)
                        TensorExtensionMethods.Save(tensor, writer);
                });
            }
            if (System.IO.Directory.Exists(folder))
                System.IO.Directory.Delete(folder, recursive: true); // a run killed before naming it latest
            System.IO.Directory.Move(temporary, folder);
            TemporaryOutput.Forget(temporary);
        }
        finally
        {
            TemporaryOutput.Delete(temporary);
        }
        string pointer = TemporaryOutput.Beside(Path.Combine(Directory, LatestFile));
        try
        {
            File.WriteAllBytes(pointer, LatestJson(state, name, best is not null));
            File.Move(pointer, Path.Combine(Directory, LatestFile), overwrite: true);
        }
        finally
        {
            TemporaryOutput.Delete(pointer);
        }
        foreach (string old in System.IO.Directory.EnumerateDirectories(Directory, "epoch-*"))
        {
            if (Path.GetFileName(old) != name && !Path.GetFileName(old).Contains(".partial-", StringComparison.Ordinal))
                System.IO.Directory.Delete(old, recursive: true);
        }
    }

    private static BinaryReader Open(string folder, string file) =>
        new(new FileStream(Path.Combine(folder, file), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), Encoding.UTF8, leaveOpen: false);

    private static void Write(string folder, string file, Action<BinaryWriter> write)
    {
        using var stream = new FileStream(Path.Combine(folder, file), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            write(writer);
        stream.Flush(flushToDisk: true);
    }

    private byte[] LatestJson(LoopState state, string folder, bool hasBest)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("fingerprint", fingerprint);
            w.WriteString("folder", folder);
            w.WriteNumber("epoch", state.Epoch);
            w.WriteNumber("bestScore", double.IsFinite(state.BestScore) ? state.BestScore : double.MinValue);
            w.WriteNumber("epochsWithoutImprovement", state.EpochsWithoutImprovement);
            w.WriteBoolean("hasBest", hasBest);
            w.WriteStartArray("reports");
            foreach (var r in state.Reports)
            {
                w.WriteStartObject();
                w.WriteNumber("epoch", r.Epoch);
                w.WriteNumber("epochs", r.Epochs);
                w.WriteNumber("trainLoss", r.TrainLoss);
                w.WriteNumber("trainMetric", r.TrainMetric);
                if (r.ValidationMetric is double v && double.IsFinite(v))
                    w.WriteNumber("validationMetric", v);
                w.WriteNumber("learningRate", r.LearningRate);
                w.WriteNumber("seconds", r.Elapsed.TotalSeconds);
                w.WriteBoolean("isBest", r.IsBest);
                w.WriteString("metricName", r.MetricName);
                if (r.Note is not null)
                    w.WriteString("note", r.Note);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static EpochReport ReadReport(JsonElement e) => new(
        e.GetProperty("epoch").GetInt32(), e.GetProperty("epochs").GetInt32(), e.GetProperty("trainLoss").GetDouble(),
        e.GetProperty("trainMetric").GetDouble(), e.TryGetProperty("validationMetric", out var v) ? v.GetDouble() : null,
        e.GetProperty("learningRate").GetDouble(), TimeSpan.FromSeconds(e.GetProperty("seconds").GetDouble()), e.GetProperty("isBest").GetBoolean())
    {
        MetricName = e.GetProperty("metricName").GetString()!,
        Note = e.TryGetProperty("note", out var note) ? note.GetString() : null,
    };
}
