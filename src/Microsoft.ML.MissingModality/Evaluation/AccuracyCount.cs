namespace Microsoft.ML.MissingModality.Evaluation;

/// <summary>Correct answers out of rows for one slice of an evaluation (a question type, a group, or all).</summary>
/// <param name="Correct">Rows answered correctly.</param>
/// <param name="Rows">Rows evaluated.</param>
public readonly record struct AccuracyCount(long Correct, long Rows)
{
    /// <summary>Correct / Rows in [0, 1]; <see cref="double.NaN"/> when the slice has no rows.</summary>
    public double Accuracy => Rows == 0 ? double.NaN : (double)Correct / Rows;

    /// <summary>Adds one answered row.</summary>
    public AccuracyCount Add(bool correct) => new(Correct + (correct ? 1 : 0), Rows + 1);

    /// <summary>Pools two slices (rows, not averages, are added).</summary>
    public static AccuracyCount operator +(AccuracyCount a, AccuracyCount b) => new(a.Correct + b.Correct, a.Rows + b.Rows);
}
