using System.Text.RegularExpressions;

namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// Writes a dataset directory (manifest plus, per split, a videos and a questions Parquet table) atomically:
/// everything goes to a hidden temporary folder beside the target, which <see cref="Complete"/> renames into
/// place. Disposing without completing — after a failure, say — deletes the temporary folder, so nothing
/// half-written remains; an existing dataset is never replaced unless <see cref="DatasetWriterOptions.Overwrite"/>.
/// </summary>
/// <example>
/// <code>
/// using var writer = DatasetWriter.Create("out/avqa", FeatureShape.MusicAvqa);
/// using (var train = writer.BeginSplit("train"))
/// {
///     train.WriteVideo(new VideoFeatures("v1", audio, visual));
///     train.WriteQuestion(new QuestionRecord("1", "v1", "Is the violin louder?", QuestionType.AudioComparative, "Is the &lt;Object&gt; louder?", "yes"));
///     train.Complete();
/// }
/// writer.Complete();
/// </code>
/// </example>
public sealed partial class DatasetWriter : IDisposable
{
    private readonly string _temp;
    private readonly DatasetWriterOptions _options;
    private readonly Dictionary<string, DatasetSplitWriter> _splits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _questionIds = new(StringComparer.Ordinal);
    private bool _completed, _disposed;

    private DatasetWriter(string directory, string temp, FeatureShape shape, DatasetWriterOptions options)
    {
        Directory = directory;
        _temp = temp;
        Shape = shape;
        _options = options;
    }

    /// <summary>The dataset directory that <see cref="Complete"/> creates.</summary>
    public string Directory { get; }

    /// <summary>The feature shapes every video must have.</summary>
    public FeatureShape Shape { get; }

    /// <summary>Starts writing a dataset into <paramref name="directory"/> (created on <see cref="Complete"/>).</summary>
    /// <exception cref="IOException">The directory exists and is not empty, and <see cref="DatasetWriterOptions.Overwrite"/> is false.</exception>
    public static DatasetWriter Create(string directory, FeatureShape shape, DatasetWriterOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(shape);
        options ??= new DatasetWriterOptions();
        options.Validate();
        string full = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        if (!options.Overwrite && System.IO.Directory.Exists(full) && System.IO.Directory.EnumerateFileSystemEntries(full).Any())
            throw new IOException($"'{directory}' already exists and is not empty; refusing to overwrite it (set Overwrite to replace it).");
        string parent = Path.GetDirectoryName(full) ?? throw new IOException($"'{directory}' has no parent folder.");
        System.IO.Directory.CreateDirectory(parent);
        string temp = Path.Combine(parent, $".{Path.GetFileName(full)}.tmp-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(temp);
        return new DatasetWriter(full, temp, shape, options);
    }

    /// <summary>Starts a split; its name must be new and made of letters, digits, '-' and '_'.</summary>
    public DatasetSplitWriter BeginSplit(string name)
    {
        EnsureOpen();
        if (name is null || !SplitName().IsMatch(name))
            throw new ArgumentException($"Split name '{name}' must be non-empty letters, digits, '-' or '_'.", nameof(name));
        if (_splits.ContainsKey(name))
            throw new InvalidOperationException($"Split '{name}' was already begun.");
        var split = new DatasetSplitWriter(this, name, _temp, Shape, _options);
        _splits.Add(name, split);
        return split;
    }

    /// <summary>
    /// Writes the manifest and moves the dataset into place (replacing an existing one only with Overwrite).
    /// Every begun split must be completed.
    /// </summary>
    public DatasetManifest Complete()
    {
        EnsureOpen();
        if (_splits.Count == 0)
            throw new InvalidOperationException("A dataset needs at least one split.");
        var open = _splits.Values.FirstOrDefault(s => !s.IsCompleted);
        if (open is not null)
            throw new InvalidOperationException($"Split '{open.Name}' was not completed.");
        var manifest = new DatasetManifest(DatasetSchema.Version, Shape, _splits.ToDictionary(p => p.Key, p => p.Value.ToManifest()));
        manifest.Save(Path.Combine(_temp, DatasetSchema.ManifestFileName));
        MoveIntoPlace();
        _completed = true;
        _disposed = true;
        return manifest;
    }

    private void MoveIntoPlace()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Move(_temp, Directory);
            return;
        }
        if (!System.IO.Directory.EnumerateFileSystemEntries(Directory).Any())
        {
            System.IO.Directory.Delete(Directory);
            System.IO.Directory.Move(_temp, Directory);
            return;
        }
        if (!_options.Overwrite)
            throw new IOException($"'{Directory}' appeared while writing; refusing to overwrite it.");
        string old = _temp + ".old";
        System.IO.Directory.Move(Directory, old);
        System.IO.Directory.Move(_temp, Directory);
        System.IO.Directory.Delete(old, recursive: true);
    }

    /// <summary>Records a question id; returns where it was first written when it is a duplicate.</summary>
    internal string? ClaimQuestionId(string id, string where) =>
        _questionIds.TryAdd(id, where) ? null : _questionIds[id];

    /// <summary>Abandons an uncompleted dataset: closes its splits and deletes the temporary folder.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var split in _splits.Values)
            split.Dispose();
        if (!_completed && System.IO.Directory.Exists(_temp))
            System.IO.Directory.Delete(_temp, recursive: true);
    }

    private void EnsureOpen() => ObjectDisposedException.ThrowIf(_disposed, this);

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex SplitName();
}
