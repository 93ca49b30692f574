using Microsoft.ML.MissingModality.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Training;

/// <summary>Turns a <see cref="TrainingBatch"/>'s arrays into tensors on a device (inside the caller's dispose scope).</summary>
internal static class BatchTensors
{
    public static AvstBatch Inputs(TrainingBatch batch, AvstConfig config, Device device)
    {
        int n = batch.Count;
        var audio = Rows(batch.Audio, n, batch.AudioLength, device);
        var visual = Rows(batch.Visual, n, batch.VisualLength, device);
        var question = batch.Tokens is not null
            ? tensor(batch.Tokens.AsSpan(0, n * batch.QuestionLength).ToArray(), [n, batch.QuestionLength]).to(device)
            : Rows(batch.QuestionVector!, n, batch.QuestionLength, device);
        return AvstBatch.FromFlat(audio, visual, question, config);
    }

    public static Tensor Labels(TrainingBatch batch, Device device) =>
        tensor(batch.Labels.AsSpan(0, batch.Count).ToArray(), [batch.Count]).to(device);

    private static Tensor Rows(float[] values, int rows, int length, Device device)
    {
        // Full batches wrap the array as is; a short last batch copies only the rows it has.
        var data = rows * length == values.Length ? values : values.AsSpan(0, rows * length).ToArray();
        var result = tensor(data, [rows, length]);
        return device.type == DeviceType.CPU ? result : result.to(device);
    }
}
