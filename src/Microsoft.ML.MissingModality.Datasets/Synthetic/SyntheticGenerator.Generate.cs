using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>Writing a whole preset to a dataset directory.</summary>
public sealed partial class SyntheticGenerator
{
    /// <summary>The provenance file written beside the manifest: preset, seed, shape and generator version.</summary>
    public const string ProvenanceFileName = "synthetic.json";

    /// <summary>Version of the generative model; bumped whenever the same seed would produce different data.</summary>
    public const string GeneratorVersion = "4";

    /// <summary>
    /// Writes every split (videos, then their questions, one video at a time: nothing is held in memory) and a
    /// provenance file through <see cref="DatasetWriter"/>, which makes the whole dataset appear atomically.
    /// </summary>
    /// <param name="directory">The dataset directory to create.</param>
    /// <param name="options">Writer options (overwrite, compression, row groups).</param>
    /// <param name="progress">Receives a report every few videos and at the end of each split.</param>
    /// <param name="cancellationToken">Stops between videos; nothing is left behind.</param>
    /// <param name="extraFiles">Text files (name → contents, e.g. the difficulty report) that appear with the dataset.</param>
    /// <param name="splits">
    /// Only these splits (the same videos as in the whole preset: a training run needs train and val, not the test
    /// split's sixth of <c>music-avqa</c>'s disk); null writes every split.
    /// </param>
    /// <returns>The manifest written.</returns>
    /// <exception cref="ArgumentException"><paramref name="splits"/> names no split, or one the preset lacks.</exception>
    public DatasetManifest Generate(
        string directory, DatasetWriterOptions? options = null, IProgress<SyntheticProgress>? progress = null,
        CancellationToken cancellationToken = default, IReadOnlyDictionary<string, string>? extraFiles = null,
        IReadOnlyCollection<string>? splits = null)
    {
        var written = Preset.SplitsNamed(splits);
        DatasetManifest manifest;
        using (var writer = DatasetWriter.Create(directory, Preset.Shape, options))
        {
            foreach (var spec in written)
            {
                using var split = writer.BeginSplit(spec.Name);
                int done = 0, every = Math.Max(1, spec.Videos / 100);
                foreach (var video in Prefetch(spec.Name, cancellationToken))
                {
                    split.WriteVideo(video.Features!);
                    foreach (var q in video.Questions)
                        split.WriteQuestion(q.Record);
                    if (++done % every == 0 || done == spec.Videos)
                        progress?.Report(new SyntheticProgress(spec.Name, done, spec.Videos));
                }
                split.Complete();
            }
            writer.AddFile(ProvenanceFileName, ProvenanceJson());
            foreach (var (name, contents) in extraFiles ?? new Dictionary<string, string>())
                writer.AddFile(name, contents);
            manifest = writer.Complete();
        }
        return manifest;
    }

    /// <summary>
    /// Renders the next few videos on another thread while the caller writes (rendering and Parquet encoding each
    /// take about half the time of a MUSIC-AVQA-sized video). Order and content are those of <see cref="Stream"/>.
    /// </summary>
    private IEnumerable<SyntheticVideo> Prefetch(string split, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var queue = new BlockingCollection<SyntheticVideo>(boundedCapacity: 4);
        var producer = Task.Run(() =>
        {
            try
            {
                foreach (var video in Stream(split))
                    queue.Add(video, stop.Token);
            }
            finally
            {
                queue.CompleteAdding();
            }
        });
        try
        {
            foreach (var video in queue.GetConsumingEnumerable(cancellationToken))
                yield return video;
            producer.GetAwaiter().GetResult();   // surfaces a failure of the renderer
        }
        finally
        {
            stop.Cancel();
            WaitQuietly(producer);
        }
    }

    // The consumer is already failing or done: the producer's own cancellation is expected, not news.
    private static void WaitQuietly(Task task)
    {
        try
        {
            task.Wait();
        }
        catch (AggregateException)
        {
        }
    }

    /// <summary>The provenance record: enough to regenerate the dataset exactly.</summary>
    public string ProvenanceJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("generator", "Microsoft.ML.MissingModality.Datasets.Synthetic");
            w.WriteString("generatorVersion", GeneratorVersion);
            w.WriteString("preset", Preset.Name);
            w.WriteNumber("seed", Seed);
            w.WriteString("shape", Preset.Shape.ToString());
            w.WriteStartObject("splits");
            foreach (var s in Preset.Splits)
            {
                w.WriteStartObject(s.Name);
                w.WriteNumber("videos", s.Videos);
                w.WriteNumber("questions", s.Questions);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
