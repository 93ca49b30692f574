using static TorchSharp.torch;

namespace Microsoft.ML.MissingModality.Modeling;

/// <summary>
/// Visual maps <c>[B, T, C, P]</c> as B separate rows of <c>T·C·P</c> floats, wherever each row is (a batch that
/// references its rows where the dataset reader decoded them): <see cref="FusedGrounding"/> reads them in place, so
/// a batch's maps need not be copied into one tensor first. The rows must stay unchanged while a pass reads them
/// (forward and backward).
/// </summary>
internal sealed class VisualMapRows
{
    private readonly IReadOnlyList<ReadOnlyMemory<float>> _rows;

    public VisualMapRows(IReadOnlyList<ReadOnlyMemory<float>> rows, int segments, int channels, int positions)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(segments, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(positions, 1);
        int length = segments * channels * positions;
        for (int b = 0; b < rows.Count; b++)
        {
            if (rows[b].Length != length)
                throw new ArgumentException($"Row {b} holds {rows[b].Length} values; maps [{segments}, {channels}, {positions}] need {length}.", nameof(rows));
        }
        (_rows, Segments, Channels, Positions) = (rows, segments, channels, positions);
    }

    public int Rows => _rows.Count;

    public int Segments { get; }

    public int Channels { get; }

    public int Positions { get; }

    /// <summary>The maps' shape as a tensor of them would have it: <c>[B, T, C, P]</c>.</summary>
    public long[] Shape => [Rows, Segments, Channels, Positions];

    /// <summary>Map <paramref name="index"/> = b·T + t, <c>[C, P]</c> row-major.</summary>
    public ReadOnlySpan<float> Map(int index)
    {
        int mapLength = Channels * Positions;
        return _rows[index / Segments].Span.Slice(index % Segments * mapLength, mapLength);
    }

    /// <summary>The maps copied into one CPU tensor <c>[B, T, C, P]</c>, for the paths that need a tensor.</summary>
    public Tensor ToTensor()
    {
        var result = empty(Shape, dtype: ScalarType.Float32);
        var values = result.Floats();
        int length = Segments * Channels * Positions;
        for (int b = 0; b < Rows; b++)
            _rows[b].Span.CopyTo(values.Slice(b * length, length));
        return result;
    }
}
