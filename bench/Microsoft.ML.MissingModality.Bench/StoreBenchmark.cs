using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Data;
using Parquet;
using Parquet.Schema;

namespace Microsoft.ML.MissingModality.Bench;

/// <summary>
/// Throughput of the dataset IDataView cursor against a raw Parquet.Net column read of the same files, in one run:
/// writes N MUSIC-AVQA-size videos ([10,128] audio, [10,512,14,14] visual, one question each), then times both, and
/// the cursor over the same videos written as shards (several file pairs, read one after another), and the feature
/// columns' decoding alone by the library's page decoder against Parquet.Net's reader (the same checks after both).
/// </summary>
internal static class StoreBenchmark
{
    public static void Run(int videos, int repeats, int videosPerShard, string workDirectory, string resultsPath)
    {
        var shape = FeatureShape.MusicAvqa;
        string dir = Path.Combine(workDirectory, "ds"), shardedDir = Path.Combine(workDirectory, "sharded");
        if (Directory.Exists(workDirectory))
            Directory.Delete(workDirectory, recursive: true);
        Directory.CreateDirectory(workDirectory);
        try
        {
            var write = Stopwatch.StartNew();
            Write(dir, shape, videos, new DatasetWriterOptions());
            write.Stop();
            Write(shardedDir, shape, videos, new DatasetWriterOptions { VideosPerShard = videosPerShard });
            int shards = DatasetManifest.Load(shardedDir).Splits["bench"].Shards.Count;
            long fileBytes = Directory.GetFiles(dir).Sum(f => new FileInfo(f).Length);
            double featureMb = videos * 4.0 * (shape.AudioLength + shape.VisualLength) / 1e6;
            Console.WriteLine($"wrote {videos} videos ({featureMb:F0} MB of features, {fileBytes / 1e6:F0} MB on disk) in {write.Elapsed.TotalSeconds:F1} s");

            var raw = new List<double>();
            var cursor = new List<double>();
            var sharded = new List<double>();
            var parquetNetDecode = new List<double>();
            var pageDecode = new List<double>();
            for (int r = 0; r < repeats; r++)
            {
                parquetNetDecode.Add(Time(() => Decode(dir, shape, pageDecoder: false)));
                pageDecode.Add(Time(() => Decode(dir, shape, pageDecoder: true)));
                Console.WriteLine($"  repeat {r + 1}: decode with Parquet.Net {parquetNetDecode[^1]:F2} s, with the page decoder {pageDecode[^1]:F2} s");
                // Alternate so that no side always gets the warmer page cache.
                raw.Add(Time(() => RawRead(dir)));
                cursor.Add(Time(() => CursorRead(dir, videos)));
                sharded.Add(Time(() => CursorRead(shardedDir, videos)));
                Console.WriteLine($"  repeat {r + 1}: raw {raw[^1]:F2} s, cursor {cursor[^1]:F2} s, cursor over {shards} shards {sharded[^1]:F2} s");
            }
            double rawBest = raw.Min(), cursorBest = cursor.Min(), shardedBest = sharded.Min();
            double parquetNetBest = parquetNetDecode.Min(), pageBest = pageDecode.Min();
            var result = new
            {
                benchmark = "store",
                machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}",
                videos,
                rows = videos,
                shape = shape.ToString(),
                featureMegabytes = Math.Round(featureMb, 1),
                fileMegabytes = Math.Round(fileBytes / 1e6, 1),
                writeMegabytesPerSecond = Math.Round(featureMb / write.Elapsed.TotalSeconds, 1),
                raw = new { seconds = Math.Round(rawBest, 3), rowsPerSecond = Math.Round(videos / rawBest, 1), megabytesPerSecond = Math.Round(featureMb / rawBest, 1) },
                cursor = new { seconds = Math.Round(cursorBest, 3), rowsPerSecond = Math.Round(videos / cursorBest, 1), megabytesPerSecond = Math.Round(featureMb / cursorBest, 1) },
                cursorToRawRatio = Math.Round(rawBest / cursorBest, 3),
                shardedCursor = new { shards, videosPerShard, seconds = Math.Round(shardedBest, 3), rowsPerSecond = Math.Round(videos / shardedBest, 1), megabytesPerSecond = Math.Round(featureMb / shardedBest, 1) },
                shardedToWholeRatio = Math.Round(cursorBest / shardedBest, 3),
                decodeParquetNet = new { seconds = Math.Round(parquetNetBest, 3), megabytesPerSecond = Math.Round(featureMb / parquetNetBest, 1) },
                decodePageDecoder = new { seconds = Math.Round(pageBest, 3), megabytesPerSecond = Math.Round(featureMb / pageBest, 1) },
                pageDecoderSpeedup = Math.Round(parquetNetBest / pageBest, 2),
                target = 0.7,
                repeats,
            };
            string json = JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true });
            Console.WriteLine(json);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(resultsPath))!);
            File.WriteAllText(resultsPath, json + "\n");
        }
        finally
        {
            Directory.Delete(workDirectory, recursive: true);
        }
    }

    private static double Time(Action action)
    {
        GC.Collect();
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>ReLU of Gaussian noise: about half zeros, like ResNet activations (so Snappy has something to do).</summary>
    private static void Write(string dir, FeatureShape shape, int videos, DatasetWriterOptions options)
    {
        var random = new Random(1);
        var audio = new float[shape.AudioLength];
        var visual = new float[shape.VisualLength];
        using var writer = DatasetWriter.Create(dir, shape, options);
        using var split = writer.BeginSplit("bench");
        for (int v = 0; v < videos; v++)
        {
            for (int i = 0; i < audio.Length; i++)
                audio[i] = (float)random.NextDouble();
            for (int i = 0; i < visual.Length; i++)
                visual[i] = Math.Max(0f, (float)(random.NextDouble() - 0.5));
            string id = $"{v:D8}";
            split.WriteVideo(new VideoFeatures(id, audio, visual));
            split.WriteQuestion(new QuestionRecord($"{v}", id, "How many instruments are sounding?", QuestionType.AudioCounting, "How many instruments are sounding?", "two"));
        }
        split.Complete();
        writer.Complete();
    }

    /// <summary>The floor: every column of both tables read with Parquet.Net's raw API into reused buffers.</summary>
    private static void RawRead(string dir)
    {
        float[] values = [];
        int[] defs = [], reps = [];
        double checksum = 0;
        using (var stream = File.OpenRead(Path.Combine(dir, "bench.videos.parquet")))
        {
            var reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
            var fields = reader.Schema.GetDataFields();
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var ids = new string?[group.RowCount];
                group.ReadAsync(fields[0], ids.AsMemory(), null, default).AsTask().GetAwaiter().GetResult();
                foreach (var field in fields.Skip(1))
                {
                    int n = (int)group.GetMetadata(field)!.MetaData!.NumValues;
                    if (values.Length < n)
                    {
                        values = new float[n];
                        defs = new int[n];
                        reps = new int[n];
                    }
                    group.ReadRawAsync<float>(field, values.AsMemory(0, n), defs.AsMemory(0, n), reps.AsMemory(0, n), default).AsTask().GetAwaiter().GetResult();
                    checksum += values[n - 1];
                }
            }
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        using (var stream = File.OpenRead(Path.Combine(dir, "bench.questions.parquet")))
        {
            var reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                foreach (var field in reader.Schema.GetDataFields())
                {
                    var strings = new string?[group.RowCount];
                    group.ReadAsync(field, strings.AsMemory(), null, default).AsTask().GetAwaiter().GetResult();
                }
            }
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        GC.KeepAlive(checksum);
    }

    /// <summary>Every row group's feature columns decoded and checked, by the page decoder or by Parquet.Net.</summary>
    private static void Decode(string dir, FeatureShape shape, bool pageDecoder)
    {
        using var reader = new VideoTableReader(Path.Combine(dir, "bench.videos.parquet"), shape) { UsePageDecoder = pageDecoder };
        var group = new DecodedVideoGroup();
        for (int g = 0; g < reader.File.RowGroupCount; g++)
            reader.Load(g, audio: true, visual: true, group);
        if (reader.PageDecodes != (pageDecoder ? 2 * reader.File.RowGroupCount : 0))
            throw new InvalidOperationException($"The page decoder read {reader.PageDecodes} column chunks.");
    }

    /// <summary>The IDataView cursor with every column active and every getter called per row.</summary>
    private static void CursorRead(string dir, int expectedRows)
    {
        var view = new MLContext(1).Data.LoadFromAvqaDataset(dir, "bench");
        var schema = view.Schema;
        using var cursor = view.GetRowCursor(schema);
        var text = schema.Where(c => c.Type is TextDataViewType).Select(c => cursor.GetGetter<ReadOnlyMemory<char>>(c)).ToArray();
        var audio = cursor.GetGetter<VBuffer<float>>(schema[AvqaColumns.Audio]);
        var visual = cursor.GetGetter<VBuffer<float>>(schema[AvqaColumns.Visual]);
        var audioMissing = cursor.GetGetter<bool>(schema[AvqaColumns.AudioMissing]);
        var visualMissing = cursor.GetGetter<bool>(schema[AvqaColumns.VisualMissing]);
        ReadOnlyMemory<char> t = default;
        VBuffer<float> a = default, v = default;
        bool missing = false;
        long rows = 0;
        double checksum = 0;
        while (cursor.MoveNext())
        {
            foreach (var getter in text)
                getter(ref t);
            audio(ref a);
            visual(ref v);
            audioMissing(ref missing);
            visualMissing(ref missing);
            checksum += v.GetValues()[^1];
            rows++;
        }
        if (rows != expectedRows)
            throw new InvalidOperationException($"Read {rows} rows, expected {expectedRows}.");
        GC.KeepAlive(checksum);
    }
}
