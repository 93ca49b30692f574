namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// A least-recently-used cache of decoded video row groups, bounded in bytes (always at least the group in use, and
/// the groups that batches lease).
/// Evicted groups' buffers are recycled for the next load, so a long pass allocates nothing once warm; with a
/// <see cref="VideoGroupPool"/>, the groups of earlier cursors are reused first and this cursor's are handed back by
/// <see cref="ReturnAll"/>.
/// </summary>
internal sealed class VideoGroupCache(VideoTableReader reader, bool audio, bool visual, long maxBytes, VideoGroupPool? pool = null)
{
    private readonly LinkedList<DecodedVideoGroup> _lru = new(); // first = most recently used
    private readonly Dictionary<int, LinkedListNode<DecodedVideoGroup>> _byGroup = [];

    /// <summary>Row groups decoded so far (a group reused from the pool is not decoded).</summary>
    public int Loads { get; private set; }

    /// <summary>Bytes of the decoded groups now held.</summary>
    public long Bytes => _lru.Sum(g => g.Bytes);

    /// <summary>The most bytes held at once.</summary>
    public long PeakBytes { get; private set; }

    /// <summary>Number of decoded groups now held.</summary>
    public int Count => _lru.Count;

    /// <summary>The decoded group, loading it (and evicting the least recently used ones) when absent.</summary>
    public DecodedVideoGroup Get(int group)
    {
        if (_byGroup.TryGetValue(group, out var node))
        {
            if (node != _lru.First)
            {
                _lru.Remove(node);
                _lru.AddFirst(node);
            }
            return node.Value;
        }
        // Make room for a group about as large as the last one; the least recently used group's buffers are refilled.
        // A leased group stays (a batch still reads its rows in place), so the budget may be exceeded by what the
        // batches in flight hold; only this thread leases, so a group seen unleased here stays so. Once their leases
        // end, several groups may leave at once: those after the first go to the pool, for the next loads to refill
        // rather than allocate.
        DecodedVideoGroup? recycled = null;
        long incoming = _lru.First?.Value.Bytes ?? 0;
        for (var candidate = _lru.Last; candidate is not null && Bytes + incoming > maxBytes;)
        {
            var previous = candidate.Previous;
            if (!candidate.Value.IsLeased)
            {
                _lru.Remove(candidate);
                _byGroup.Remove(candidate.Value.Group);
                if (recycled is null)
                    recycled = candidate.Value;
                else
                    pool?.Return(candidate.Value, maxBytes);
            }
            candidate = previous;
        }
        var target = pool?.TakeDecoded(reader.File.Identity, group, audio, visual);
        if (target is null)
        {
            long want = reader.DecodedBytes(group, audio, visual);
            // A pooled buffer no larger than the budget's room (twice the need at most); past the budget (leases hold
            // it) any pooled buffer up to twice the need, which costs less than allocating one.
            long room = maxBytes - Bytes;
            target = recycled ?? pool?.TakeAny(want, room >= want ? Math.Min(2 * want, room) : 2 * want) ?? new DecodedVideoGroup();
            if (ReferenceEquals(target, recycled))
                recycled = null;
            reader.Load(group, audio, visual, target);
            Loads++;
        }
        if (recycled is not null)
            pool?.Return(recycled, maxBytes); // still decoded: a later cursor may want it
        node = _lru.AddFirst(target);
        _byGroup[group] = node;
        PeakBytes = Math.Max(PeakBytes, Bytes);
        return target;
    }

    /// <summary>
    /// Hands every held group to the pool (when there is one); the cache is empty afterwards. The pool keeps as many
    /// as this cache held at its most (its budget, plus what leases held past it), so that the next pass, which will
    /// lease as many, refills them instead of allocating.
    /// </summary>
    public void ReturnAll()
    {
        if (pool is not null)
            foreach (var group in _lru)
                pool.Return(group, Math.Max(maxBytes, PeakBytes));
        _lru.Clear();
        _byGroup.Clear();
    }
}
