using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML;

/// <summary>
/// Entry points on <c>mlContext.Data</c> for AVQA datasets (a directory written by <see cref="DatasetWriter"/>,
/// the MUSIC-AVQA importer or pyarrow following <c>data-schemas/</c>).
/// </summary>
public static class AvqaDataCatalogExtensions
{
    /// <summary>
    /// Loads one split as a streaming IDataView: one row per question with columns <see cref="AvqaColumns"/>;
    /// <c>Audio</c> and <c>Visual</c> are known-size float vectors with the dataset's shape as dimensions (a
    /// missing modality is a zero vector with <c>AudioMissing</c>/<c>VisualMissing</c> true).
    /// </summary>
    /// <param name="catalog">The <c>mlContext.Data</c> catalog.</param>
    /// <param name="directory">The dataset directory (holding <c>dataset.json</c>).</param>
    /// <param name="split">The split to read, e.g. <c>train</c>.</param>
    /// <param name="options">Shuffling and cache options; null for the defaults.</param>
    /// <exception cref="AvqaDataException">The manifest or a table is missing, malformed or of the wrong schema.</exception>
    public static IDataView LoadFromAvqaDataset(this DataOperationsCatalog catalog, string directory, string split, AvqaReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(split);
        return new AvqaDataView(directory, split, options ?? new AvqaReaderOptions());
    }

    /// <summary>Reads a dataset directory's manifest (splits, shapes, counts per question type).</summary>
    public static DatasetManifest LoadAvqaManifest(this DataOperationsCatalog catalog, string directory)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return DatasetManifest.Load(directory);
    }

    /// <summary>
    /// Writes an IDataView with the <see cref="AvqaColumns"/> columns (the missing flags are optional) as one split
    /// of a new dataset directory. Each video's features are written once, from its first row. Atomic: on failure
    /// nothing is left behind.
    /// </summary>
    /// <param name="catalog">The <c>mlContext.Data</c> catalog.</param>
    /// <param name="data">Rows to write.</param>
    /// <param name="directory">The dataset directory to create.</param>
    /// <param name="split">The split's name.</param>
    /// <param name="options">Writer options (overwrite, compression, row groups); null for the defaults.</param>
    /// <param name="shape">The feature shape; null to take it from the vector columns' dimensions.</param>
    public static DatasetManifest SaveAsAvqaDataset(this DataOperationsCatalog catalog, IDataView data, string directory,
        string split = "train", DatasetWriterOptions? options = null, FeatureShape? shape = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return catalog.SaveAsAvqaDataset(new Dictionary<string, IDataView> { [split] = data }, directory, options, shape);
    }

    /// <summary>Writes several splits (name → rows) as one dataset directory; see the single-split overload.</summary>
    /// <param name="catalog">The <c>mlContext.Data</c> catalog.</param>
    /// <param name="splits">The splits by name.</param>
    /// <param name="directory">The dataset directory to create.</param>
    /// <param name="options">Writer options; null for the defaults.</param>
    /// <param name="shape">The feature shape; null to take it from the first split's vector dimensions.</param>
    public static DatasetManifest SaveAsAvqaDataset(this DataOperationsCatalog catalog, IReadOnlyDictionary<string, IDataView> splits,
        string directory, DatasetWriterOptions? options = null, FeatureShape? shape = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(splits);
        if (splits.Count == 0)
            throw new ArgumentException("No split to write.", nameof(splits));
        shape ??= DataViewDatasetSaver.ShapeOf(splits.Values.First().Schema);
        using var writer = DatasetWriter.Create(directory, shape, options);
        foreach (var (name, data) in splits)
        {
            using var split = writer.BeginSplit(name);
            DataViewDatasetSaver.WriteSplit(data, split, shape);
            split.Complete();
        }
        return writer.Complete();
    }
}
