namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// What finished cursors hand on to the next ones, process-wide: their decoded video row groups and their decode
/// scratch. A group still decoded from the same file with the columns the next cursor reads is reused as it is (a
/// dataset that fits the cache is read and decoded once, not once per epoch); any other buffer is refilled instead of
/// allocated, so the validation pass reuses the training pass's memory. Cursors take from the pool before they
/// allocate, and the pool keeps no more than the largest cache budget handed to it, so cursors run one after another
/// hold one cache budget between them, for one pass or a hundred.
/// </summary>
internal sealed class VideoGroupPool
{
    /// <summary>The pool every dataset reader of the process shares.</summary>
    public static VideoGroupPool Shared { get; } = new();

    private readonly object _gate = new();
    private readonly List<DecodedVideoGroup> _groups = [];
    private DecodeScratch? _scratch;
    private long _largestBudget;

    /// <summary>Decoded groups waiting for a cursor.</summary>
    public int Count
    {
        get { lock (_gate) return _groups.Count; }
    }

    /// <summary>Group <paramref name="group"/> of <paramref name="source"/> decoded with exactly these columns, or null.</summary>
    public DecodedVideoGroup? TakeDecoded(string source, int group, bool audio, bool visual)
    {
        lock (_gate)
        {
            int i = _groups.FindIndex(g => g.Group == group && g.Audio.Loaded == audio && g.Visual.Loaded == visual && g.Source == source);
            return i < 0 ? null : TakeAt(i);
        }
    }

    /// <summary>
    /// A pooled group's buffers to decode a group of about <paramref name="wantBytes"/> into (never a leased one): the smallest that holds
    /// it and is at most <paramref name="maxBytes"/> (a caller passes at most twice what it wants, so a buffer of
    /// another shape is left for a reader of that shape, and never more than its budget has room for), or null.
    /// </summary>
    public DecodedVideoGroup? TakeAny(long wantBytes, long maxBytes)
    {
        lock (_gate)
        {
            int best = -1;
            for (int i = 0; i < _groups.Count; i++)
            {
                long bytes = _groups[i].Bytes;
                if (!_groups[i].IsLeased && bytes >= wantBytes && bytes <= maxBytes && (best < 0 || bytes < _groups[best].Bytes))
                    best = i;
            }
            return best < 0 ? null : TakeAt(best);
        }
    }

    /// <summary>
    /// Keeps <paramref name="group"/> for a later cursor unless the pool already holds the largest budget handed to
    /// it so far (<paramref name="budget"/> or an earlier one): cursors of different budgets, run by turns, do not
    /// make each other allocate.
    /// </summary>
    public void Return(DecodedVideoGroup group, long budget)
    {
        lock (_gate)
        {
            _largestBudget = Math.Max(_largestBudget, budget);
            long held = 0;
            foreach (var g in _groups)
                held += g.Bytes;
            if (held + group.Bytes <= _largestBudget || _groups.Count == 0)
                _groups.Add(group);
        }
    }

    /// <summary>The decode scratch of an earlier reader, or a new one.</summary>
    public DecodeScratch TakeScratch()
    {
        lock (_gate)
        {
            var scratch = _scratch ?? new DecodeScratch();
            _scratch = null;
            return scratch;
        }
    }

    public void ReturnScratch(DecodeScratch scratch)
    {
        lock (_gate)
            _scratch = scratch;
    }

    private DecodedVideoGroup TakeAt(int i)
    {
        var group = _groups[i];
        _groups[i] = _groups[^1];
        _groups.RemoveAt(_groups.Count - 1);
        return group;
    }
}
