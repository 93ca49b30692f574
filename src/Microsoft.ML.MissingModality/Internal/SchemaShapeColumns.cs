using Microsoft.ML.Data;

namespace Microsoft.ML.MissingModality.Internal;

/// <summary>Builds <see cref="SchemaShape.Column"/> values, whose constructor ML.NET keeps internal.</summary>
internal static class SchemaShapeColumns
{
    public static SchemaShape.Column Vector(string name, DataViewType itemType, SchemaShape? annotations = null) =>
        new(name, SchemaShape.Column.VectorKind.Vector, itemType, isKey: false, annotations);

    public static SchemaShape.Column Scalar(string name, DataViewType itemType, bool isKey = false, SchemaShape? annotations = null) =>
        new(name, SchemaShape.Column.VectorKind.Scalar, itemType, isKey, annotations);

    /// <summary>Adds or replaces columns of an input shape, keeping the others.</summary>
    public static SchemaShape With(SchemaShape input, params SchemaShape.Column[] columns)
    {
        var result = input.ToDictionary(c => c.Name);
        foreach (var column in columns)
            result[column.Name] = column;
        return new SchemaShape(result.Values);
    }
}
