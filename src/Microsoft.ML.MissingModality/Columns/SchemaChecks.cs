using Microsoft.ML.Data;

namespace Microsoft.ML.MissingModality.Columns;

/// <summary>Input-column checks shared by estimators and transformers, with messages that name the column.</summary>
internal static class SchemaChecks
{
    /// <summary>The size of a known-size <c>Vector&lt;Single&gt;</c> column; throws naming the column otherwise.</summary>
    public static int KnownSizeSingleVector(DataViewSchema schema, string columnName, string role)
    {
        var column = schema.GetColumnOrNull(columnName)
            ?? throw new ArgumentOutOfRangeException(nameof(schema),
                $"{role} column '{columnName}' was not found. Available columns: {string.Join(", ", schema.Select(c => c.Name))}.");
        if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType number, IsKnownSize: true } vector
            || number != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"{role} column '{columnName}' must be a known-size vector of Single, but is {column.Type}.");
        return vector.Size;
    }

    /// <summary>The same check against an estimator's schema shape (the size is not known yet).</summary>
    public static void SingleVector(SchemaShape shape, string columnName, string role)
    {
        if (!shape.TryFindColumn(columnName, out var column))
            throw new ArgumentOutOfRangeException(nameof(shape), $"{role} column '{columnName}' was not found.");
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(shape),
                $"{role} column '{columnName}' must be a known-size vector of Single, but is {column.Kind} of {column.ItemType}.");
    }

    /// <summary>Throws naming the column and row when a value is NaN or infinite.</summary>
    public static void AllFinite(ReadOnlySpan<float> values, string columnName, long row)
    {
        int i = Data.ParquetTables.IndexOfNonFinite(values);
        if (i >= 0)
            throw new InvalidDataException($"Column '{columnName}', row {row}: element {i} is {values[i]}; features must be finite numbers.");
    }
}
