using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Tests.Data;

/// <summary>Tiny datasets with known values for the store tests.</summary>
internal static class TestDatasets
{
    /// <summary>2 segments × 4 audio, 2 segments × [3,2,2] visual: 8 and 24 floats per video.</summary>
    public static FeatureShape Shape { get; } = new(2, 4, [3, 2, 2]);

    public static float[] Audio(int video) => Enumerable.Range(0, Shape.AudioLength).Select(i => video * 1000f + i).ToArray();

    public static float[] Visual(int video) => Enumerable.Range(0, Shape.VisualLength).Select(i => -video * 1000f - i - 0.5f).ToArray();

    public static string VideoId(int video) => $"v{video:D4}";

    /// <summary>Video 3k+1 misses its audio, 3k+2 its picture.</summary>
    public static VideoFeatures Video(int video) => new(VideoId(video), video % 3 == 1 ? null : Audio(video), video % 3 == 2 ? null : Visual(video));

    public static QuestionRecord Question(int video, int k) => new(
        $"q{video}-{k}", VideoId(video), $"Is the violin louder {video}/{k}?", QuestionType.All[(video + k) % 9],
        "Is the <Object> louder?", k % 2 == 0 ? "yes" : "no");

    /// <summary>Writes split "train" of <paramref name="videos"/> videos with <paramref name="perVideo"/> questions each.</summary>
    public static string Write(string root, int videos = 10, int perVideo = 3, DatasetWriterOptions? options = null)
    {
        string dir = Path.Combine(root, "ds");
        options ??= new DatasetWriterOptions { VideoRowGroupSize = 3, QuestionRowGroupSize = 4 };
        using var writer = DatasetWriter.Create(dir, Shape, options);
        using (var split = writer.BeginSplit("train"))
        {
            for (int v = 0; v < videos; v++)
            {
                split.WriteVideo(Video(v));
                for (int k = 0; k < perVideo; k++)
                    split.WriteQuestion(Question(v, k));
            }
            split.Complete();
        }
        writer.Complete();
        return dir;
    }
}
