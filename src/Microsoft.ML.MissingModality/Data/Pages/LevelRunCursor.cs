namespace Microsoft.ML.MissingModality.Data.Pages;

/// <summary>Walks <see cref="LevelRuns"/> level by level, taking whole runs where it can.</summary>
internal struct LevelRunCursor(LevelRuns runs)
{
    private int _run;
    private int _left = runs.Count > 0 ? runs.Length(0) : 0;

    public readonly bool AtEnd => _left == 0;

    /// <summary>The current level (only when not <see cref="AtEnd"/>).</summary>
    public readonly byte Value => runs.Value(_run);

    /// <summary>The levels left in the current run.</summary>
    public readonly int LeftInRun => _left;

    /// <summary>Consumes <paramref name="count"/> levels, at most the rest of the current run.</summary>
    public void Take(int count)
    {
        _left -= count;
        if (_left == 0 && ++_run < runs.Count)
            _left = runs.Length(_run);
    }

    /// <summary>Consumes <paramref name="count"/> levels across runs: true when every one of them is <paramref name="value"/>.</summary>
    public bool TakeAllEqual(int count, byte value)
    {
        bool equal = true;
        while (count > 0 && !AtEnd)
        {
            int take = Math.Min(count, _left);
            equal &= Value == value;
            Take(take);
            count -= take;
        }
        return equal && count == 0;
    }
}
