namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// A least-recently-used cache of decoded video row groups, bounded in bytes (always at least the group in use).
/// Evicted groups' buffers are recycled for the next load, so a long pass allocates nothing once warm.
/// </summary>
internal sealed class VideoGroupCache(VideoTableReader reader, bool audio, bool visual, long maxBytes)
{
    private readonly LinkedList<DecodedVideoGroup> _lru = new(); // first = most recently used
    private readonly Dictionary<int, LinkedListNode<DecodedVideoGroup>> _byGroup = [];

    /// <summary>Row groups decoded so far.</summary>
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
        DecodedVideoGroup target;
        long held = Bytes;
        if (_lru.Count > 0 && held + _lru.First!.Value.Bytes > maxBytes)
        {
            // Recycle the least recently used group's buffers (the new group will be about as large).
            var last = _lru.Last!;
            _lru.RemoveLast();
            _byGroup.Remove(last.Value.Group);
            target = last.Value;
            while (_lru.Count > 0 && Bytes + target.Bytes > maxBytes)
            {
                _byGroup.Remove(_lru.Last!.Value.Group);
                _lru.RemoveLast();
            }
        }
        else
        {
            target = new DecodedVideoGroup();
        }
        reader.Load(group, audio, visual, target);
        Loads++;
        node = _lru.AddFirst(target);
        _byGroup[group] = node;
        PeakBytes = Math.Max(PeakBytes, Bytes);
        return target;
    }
}
