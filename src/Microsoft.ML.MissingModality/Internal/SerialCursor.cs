namespace Microsoft.ML.MissingModality.Internal;

/// <summary>
/// Opens one cursor over a data view without ML.NET's parallel plumbing. <c>GetRowCursor</c> on a chain of ML.NET
/// transforms asks the source for several cursors and, when it gives one, splits it across threads and merges the
/// results back: each row's vectors are copied twice on the way (two 4 MB arrays per MUSIC-AVQA row, garbage the GC
/// lets pile up to gigabytes). A cursor set of one is the same rows in the same order, read in place.
/// </summary>
internal static class SerialCursor
{
    public static DataViewRowCursor Open(IDataView data, IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var columns = columnsNeeded as IReadOnlyCollection<DataViewSchema.Column> ?? columnsNeeded.ToList();
        var set = data.GetRowCursorSet(columns, 1, rand);
        if (set.Length == 1)
            return set[0];
        // A view is free to return more cursors than asked for; their rows together are the view's, in no set order.
        foreach (var cursor in set)
            cursor.Dispose();
        return data.GetRowCursor(columns, rand);
    }
}
