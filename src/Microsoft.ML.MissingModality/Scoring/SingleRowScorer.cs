using Microsoft.ML.Data;

namespace Microsoft.ML.MissingModality.Scoring;

/// <summary>
/// A batch scorer of capacity one behind a prediction engine's row: scores the current row once, however many
/// output getters ask for it, and again only when the row moves.
/// </summary>
internal sealed class SingleRowScorer
{
    private readonly DataViewRow _row;
    private long _scoredPosition = -1;

    public SingleRowScorer(DataViewRow row, IBatchScorer inner)
    {
        _row = row;
        Inner = inner;
    }

    public IBatchScorer Inner { get; }

    /// <summary>A getter for output <paramref name="outputIndex"/> that scores the current row first when needed.</summary>
    public Delegate MakeOutputGetter(int outputIndex) => Inner.MakeOutputGetter(outputIndex, () =>
    {
        EnsureScored();
        return 0;
    });

    private void EnsureScored()
    {
        if (_scoredPosition == _row.Position && _row.Position >= 0)
            return;
        Inner.AddRow(_row, 0);
        Inner.ScoreBatch(1);
        _scoredPosition = _row.Position;
    }
}
