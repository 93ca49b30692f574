using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Datasets;

/// <summary>Loads per-video <c>.npy</c> features and subsamples their time axis evenly to the kept segments.</summary>
internal sealed class FeatureLoader(int segments)
{
    /// <summary>The dataset shape from one audio and one visual file: <c>[T, D]</c> and <c>[T, C(, H, W)]</c>.</summary>
    public FeatureShape DetectShape(string audioPath, string visualPath)
    {
        var audio = NpyFile.Read(audioPath).Shape;
        var visual = NpyFile.Read(visualPath).Shape;
        if (audio.Count != 2)
            throw new AvqaDataException(audioPath, null, null, $"Audio features must be [T, D]; the file holds [{string.Join(",", audio)}].");
        if (visual.Count is < 2 or > 4)
            throw new AvqaDataException(visualPath, null, null, $"Visual features must be [T, C] or [T, C, H, W]; the file holds [{string.Join(",", visual)}].");
        CheckTime(audioPath, audio[0]);
        CheckTime(visualPath, visual[0]);
        return new FeatureShape(segments, audio[1], visual.Skip(1).ToArray());
    }

    /// <summary>Reads a file, checks it against <paramref name="kept"/> (after subsampling) and returns the kept values.</summary>
    public float[] Load(string path, int[] kept)
    {
        var array = NpyFile.Read(path);
        var shape = array.Shape;
        if (shape.Count != kept.Length || !shape.Skip(1).SequenceEqual(kept.Skip(1)))
            throw new AvqaDataException(path, null, null,
                $"Shape [{string.Join(",", shape)}] does not match the dataset's [T,{string.Join(",", kept.Skip(1))}] (taken from the first video).");
        CheckTime(path, shape[0]);
        int stride = shape[0] / segments;
        int per = array.Values.Length / shape[0];
        var values = new float[segments * per];
        for (int s = 0; s < segments; s++)
            Array.Copy(array.Values, (long)s * stride * per, values, (long)s * per, per);
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
                throw new AvqaDataException(path, null, i / per * stride, $"Time step {i / per * stride}, value {i % per} is {values[i]}; features must be finite.");
        }
        return values;
    }

    private void CheckTime(string path, int steps)
    {
        if (steps < segments || steps % segments != 0)
            throw new AvqaDataException(path, null, null, $"{steps} time steps cannot be subsampled evenly to {segments} segments.");
    }
}
