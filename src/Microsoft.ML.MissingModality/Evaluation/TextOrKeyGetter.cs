using Microsoft.ML.Data;

namespace Microsoft.ML.MissingModality.Evaluation;

/// <summary>
/// Reads a column as text whether it holds text or a key with text key values (what MapValueToKey produces and what
/// multiclass trainers write to PredictedLabel), so answers can be compared whatever form each side is in.
/// </summary>
internal static class TextOrKeyGetter
{
    /// <summary>A getter returning the current row's value as text; null for a missing key (key 0).</summary>
    public static Func<string?> Create(DataViewRow row, DataViewSchema.Column column)
    {
        if (column.Type is TextDataViewType)
        {
            var getText = row.GetGetter<ReadOnlyMemory<char>>(column);
            ReadOnlyMemory<char> text = default;
            return () =>
            {
                getText(ref text);
                return text.ToString();
            };
        }
        if (column.Type is KeyDataViewType { RawType: var raw } && raw == typeof(uint))
        {
            var names = KeyNames(column);
            var getKey = row.GetGetter<uint>(column);
            uint key = 0;
            return () =>
            {
                getKey(ref key);
                return key == 0 || key > names.Length ? null : names[key - 1];
            };
        }
        throw new ArgumentOutOfRangeException(nameof(column),
            $"Column '{column.Name}' must be text or a key (UInt32) with text key values, but is {column.Type}.");
    }

    private static string[] KeyNames(DataViewSchema.Column column)
    {
        var keyValues = column.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues);
        if (keyValues is not { Type: VectorDataViewType { ItemType: TextDataViewType } })
            throw new ArgumentOutOfRangeException(nameof(column),
                $"Key column '{column.Name}' has no text key values, so its keys cannot be compared with answers.");
        VBuffer<ReadOnlyMemory<char>> values = default;
        column.GetKeyValues(ref values);
        return values.DenseValues().Select(v => v.ToString()).ToArray();
    }
}
