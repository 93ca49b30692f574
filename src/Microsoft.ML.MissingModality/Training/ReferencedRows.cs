using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// The visual rows of a batch that references them instead of copying them (<see cref="TrainingBatch.VisualRows"/>):
/// per slot, where the row is — in a decoded row group leased until <see cref="Release"/>, in a shared row of zeros,
/// or in the batch's own array — and the leases to end when the batch is refilled.
/// </summary>
internal sealed class ReferencedRows(int capacity, int length)
{
    private readonly ReadOnlyMemory<float>[] _rows = new ReadOnlyMemory<float>[capacity];
    private readonly bool[] _inOwnArray = new bool[capacity];
    private readonly List<DecodedVideoGroup> _leases = [];
    private float[]? _zeros;
    private bool _anyElsewhere;

    /// <summary>The first <paramref name="count"/> slots' rows.</summary>
    public ArraySegment<ReadOnlyMemory<float>> First(int count) => new(_rows, 0, count);

    /// <summary>Slot <paramref name="slot"/>'s row is in the batch's own array.</summary>
    public void SetOwn(int slot, ReadOnlyMemory<float> row) => (_rows[slot], _inOwnArray[slot]) = (row, true);

    /// <summary>Slot <paramref name="slot"/>'s row is zeros (a missing modality), without writing a row of them.</summary>
    public void SetZeros(int slot) => SetElsewhere(slot, _zeros ??= new float[length]);

    /// <summary>Slot <paramref name="slot"/>'s row is in <paramref name="owner"/>, whose lease this takes over.</summary>
    public void SetLeased(int slot, ReadOnlyMemory<float> row, DecodedVideoGroup owner)
    {
        _leases.Add(owner); // ended by Release even when the row is refused below
        if (row.Length != length)
            throw new ArgumentException($"A visual row has {length} values; got {row.Length}.", nameof(row));
        SetElsewhere(slot, row);
    }

    /// <summary>Copies the first <paramref name="count"/> rows that are not in <paramref name="own"/> into it, and points them there.</summary>
    public void CopyInto(float[] own, int count)
    {
        if (!_anyElsewhere)
            return;
        for (int slot = 0; slot < count; slot++)
        {
            if (_inOwnArray[slot])
                continue;
            var target = own.AsMemory(slot * length, length);
            _rows[slot].Span.CopyTo(target.Span);
            SetOwn(slot, target);
        }
        _anyElsewhere = false;
    }

    /// <summary>Ends the leases and forgets every row (undefined, not stale, until the slots are set again).</summary>
    public void Release()
    {
        foreach (var owner in _leases)
            owner.ReleaseLease();
        _leases.Clear();
        Array.Clear(_rows);
        Array.Clear(_inOwnArray);
        _anyElsewhere = false;
    }

    private void SetElsewhere(int slot, ReadOnlyMemory<float> row)
    {
        (_rows[slot], _inOwnArray[slot]) = (row, false);
        _anyElsewhere = true;
    }
}
