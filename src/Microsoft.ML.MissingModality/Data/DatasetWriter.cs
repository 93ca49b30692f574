using System.Text.RegularExpressions;

namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// Writes a dataset directory (manifest plus, per split, a videos and a questions Parquet table) atomically:
/// everything goes to a temporary folder beside the target (<see cref="TemporaryOutput"/>), which <see cref="Complete"/> renames into
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
    private readonly DatasetManifest? _existing; // AddSplits: the dataset the new splits join
    private readonly Dictionary<string, List<string>> _existingIds = new(StringComparer.Ordinal);
    private bool _completed, _disposed;

    private DatasetWriter(string directory, string temp, FeatureShape shape, DatasetWriterOptions options, DatasetManifest? existing = null)
    {
        Directory = directory;
        _temp = temp;
        Shape = shape;
        _options = options;
        _existing = existing;
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
        CheckReplaceable(full, directory, options.Overwrite);
        string parent = Path.GetDirectoryName(full) ?? throw new IOException($"'{directory}' has no parent folder.");
        System.IO.Directory.CreateDirectory(parent);
        TemporaryOutput.RemoveAbandoned(full);
        string temp = TemporaryOutput.Beside(full);
        System.IO.Directory.CreateDirectory(temp);
        return new DatasetWriter(full, temp, shape, options);
    }

    /// <summary>
    /// Starts adding splits to an existing dataset (importing MUSIC-AVQA's train, val and test one file at a time,
    /// say): its other splits are kept as they are, question ids stay unique across all of them, and the new splits'
    /// tables appear, with the updated manifest, only on <see cref="Complete"/>. A split of an existing name is
    /// replaced only with <see cref="DatasetWriterOptions.Overwrite"/>. One writer at a time: two adding splits to the
    /// same dataset at once would each replace the manifest, and the later one would drop the other's split.
    /// </summary>
    /// <param name="directory">The dataset directory (holding <c>dataset.json</c>).</param>
    /// <param name="shape">The new splits' feature shape; it must be the dataset's.</param>
    /// <param name="options">Writer options; null for the defaults.</param>
    /// <exception cref="AvqaDataException">The directory is not a readable dataset, or its shape is not <paramref name="shape"/>.</exception>
    public static DatasetWriter AddSplits(string directory, FeatureShape shape, DatasetWriterOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(shape);
        options ??= new DatasetWriterOptions();
        options.Validate();
        var existing = DatasetManifest.Load(directory);
        if (!existing.Shape.Equals(shape))
            throw new AvqaDataException(Path.Combine(directory, DatasetSchema.ManifestFileName), "shape", null,
                $"The dataset's features are {existing.Shape}; the new split's are {shape}. A dataset has one shape.");
        string full = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        TemporaryOutput.RemoveAbandoned(full);
        string temp = TemporaryOutput.Beside(full);
        System.IO.Directory.CreateDirectory(temp);
        var writer = new DatasetWriter(full, temp, shape, options, existing);
        try
        {
            foreach (var (name, split) in existing.Splits)
            {
                var ids = split.Shards.SelectMany(shard => QuestionIds(Path.Combine(full, shard.QuestionsFile), shape)).ToList();
                writer._existingIds[name] = ids;
                foreach (string id in ids)
                    writer._questionIds.TryAdd(id, $"split '{name}' of the existing dataset");
            }
        }
        catch
        {
            writer.Dispose();
            throw;
        }
        return writer;
    }

    private static List<string> QuestionIds(string questionsPath, FeatureShape shape)
    {
        using var table = ParquetTableFile.Open(questionsPath, ParquetTables.QuestionsTable, shape);
        var ids = new List<string>((int)Math.Min(table.RowCount, 1 << 20));
        for (int g = 0; g < table.RowGroupCount; g++)
        {
            var buffer = new string?[table.GroupRows(g)];
            table.ReadStrings(g, DatasetSchema.QuestionIdColumn, buffer);
            ids.AddRange(buffer!);
        }
        return ids;
    }

    /// <summary>Starts a split; its name must be new and made of letters, digits, '-' and '_'.</summary>
    public DatasetSplitWriter BeginSplit(string name)
    {
        EnsureOpen();
        if (name is null || !SplitName().IsMatch(name))
            throw new ArgumentException($"Split name '{name}' must be non-empty letters, digits, '-' or '_'.", nameof(name));
        if (_splits.ContainsKey(name))
            throw new InvalidOperationException($"Split '{name}' was already begun.");
        if (_existingIds.Remove(name, out var replacedIds))
        {
            if (!_options.Overwrite)
                throw new OutputExistsException(Directory, $"'{Directory}' already has a split '{name}'.");
            foreach (string id in replacedIds)
                _questionIds.Remove(id);
        }
        var split = new DatasetSplitWriter(this, name, _temp, Shape, _options);
        _splits.Add(name, split);
        return split;
    }

    /// <summary>
    /// Adds a small text file (a provenance note, a report) that appears in the dataset folder together with the
    /// tables on <see cref="Complete"/>, or not at all.
    /// </summary>
    /// <param name="fileName">A plain file name, not one of the dataset's own (tables, manifest).</param>
    /// <param name="contents">The text, written as UTF-8 without a byte-order mark.</param>
    public void AddFile(string fileName, string contents)
    {
        EnsureOpen();
        ArgumentNullException.ThrowIfNull(contents);
        if (string.IsNullOrEmpty(fileName) || fileName != Path.GetFileName(fileName) || fileName.StartsWith('.')
            || fileName == DatasetSchema.ManifestFileName || fileName.EndsWith(".parquet", StringComparison.Ordinal))
            throw new ArgumentException($"'{fileName}' must be a plain file name other than the manifest and the tables.", nameof(fileName));
        if (_existing is not null)
            throw new InvalidOperationException("Extra files go with a new dataset (DatasetWriter.Create), not with added splits.");
        File.WriteAllText(Path.Combine(_temp, fileName), contents, new System.Text.UTF8Encoding(false));
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
        var splits = _existing?.Splits.Where(p => !_splits.ContainsKey(p.Key)).ToDictionary(p => p.Key, p => p.Value)
            ?? new Dictionary<string, SplitManifest>(StringComparer.Ordinal);
        foreach (var (name, split) in _splits)
            splits[name] = split.ToManifest();
        var manifest = new DatasetManifest(DatasetSchema.Version, Shape, splits);
        manifest.Save(Path.Combine(_temp, DatasetSchema.ManifestFileName));
        if (_existing is null)
        {
            MoveIntoPlace();
            TemporaryOutput.Forget(_temp);
        }
        else
        {
            MoveSplitsIntoPlace();
        }
        _completed = true;
        _disposed = true;
        return manifest;
    }

    /// <summary>
    /// AddSplits: moves the new tables in beside the kept ones (a replaced split's old tables aside first), then
    /// renames the new manifest over the old one — the step that makes the new splits part of the dataset.
    /// </summary>
    private void MoveSplitsIntoPlace()
    {
        CheckNewTablesReplaceNothingElse();
        var moves = new List<(string From, string To)>(); // done so far, to undo on failure
        void Move(string from, string to)
        {
            File.Move(from, to);
            moves.Add((from, to));
        }
        void MoveAside(string file)
        {
            string target = Path.Combine(Directory, file);
            if (File.Exists(target))
                Move(target, Path.Combine(_temp, file + ".old"));
        }
        try
        {
            // A replaced split's tables go aside first, whatever their names: a split written in shards replaces
            // one written whole, and the other way round, without leaving the old tables behind.
            foreach (var name in _splits.Keys)
            {
                if (_existing!.Splits.TryGetValue(name, out var replaced))
                    foreach (string file in replaced.Files)
                        MoveAside(file);
            }
            foreach (var split in _splits.Values)
            {
                foreach (string file in split.ToManifest().Files)
                {
                    MoveAside(file);
                    Move(Path.Combine(_temp, file), Path.Combine(Directory, file));
                }
            }
            File.Move(Path.Combine(_temp, DatasetSchema.ManifestFileName), Path.Combine(Directory, DatasetSchema.ManifestFileName), overwrite: true);
        }
        catch
        {
            // Undo in reverse order: the manifest was not replaced, so the dataset is as it was.
            for (int i = moves.Count - 1; i >= 0; i--)
                File.Move(moves[i].To, moves[i].From);
            throw;
        }
        TemporaryOutput.Delete(_temp);
    }

    /// <summary>
    /// AddSplits: a new table may take the place of a replaced split's table, never of a kept split's (a hand-made
    /// manifest may name any file) nor, without <see cref="DatasetWriterOptions.Overwrite"/>, of a file no split names.
    /// </summary>
    private void CheckNewTablesReplaceNothingElse()
    {
        var replaced = _splits.Keys.Where(_existing!.Splits.ContainsKey).SelectMany(name => _existing.Splits[name].Files).ToHashSet(StringComparer.Ordinal);
        var kept = _existing.Splits.Where(p => !_splits.ContainsKey(p.Key)).SelectMany(p => p.Value.Files.Select(file => (file, split: p.Key)))
            .ToDictionary(p => p.file, p => p.split, StringComparer.Ordinal);
        foreach (var split in _splits.Values)
        {
            foreach (string file in split.ToManifest().Files)
            {
                if (kept.TryGetValue(file, out string? owner))
                    throw new OutputExistsException(Path.Combine(Directory, file), $"'{file}' is a table of split '{owner}'; split '{split.Name}' cannot be written over it.");
                if (!replaced.Contains(file) && File.Exists(Path.Combine(Directory, file)) && !_options.Overwrite)
                    throw new OutputExistsException(Path.Combine(Directory, file), $"'{file}' already exists in '{Directory}' and no split names it; nothing was written (with Overwrite it is replaced).");
            }
        }
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
            throw new OutputExistsException(Directory, $"'{Directory}' appeared while writing.");
        CheckReplaceable(Directory, Directory, overwrite: true);
        string old = TemporaryOutput.Beside(Directory);
        System.IO.Directory.Move(Directory, old);
        System.IO.Directory.Move(_temp, Directory);
        TemporaryOutput.Delete(old);
    }
    /// <summary>
    /// An existing target may be replaced only when asked, and only when it is a dataset (it holds a manifest) or an
    /// empty folder: never a folder of the user's own files, nor one that holds the current directory.
    /// </summary>
    private static void CheckReplaceable(string full, string shown, bool overwrite)
    {
        if (File.Exists(full))
            throw new IOException($"'{shown}' is a file, not a dataset folder.");
        if (!System.IO.Directory.Exists(full) || !System.IO.Directory.EnumerateFileSystemEntries(full).Any())
            return;
        if (!overwrite)
            throw new OutputExistsException(full, $"'{shown}' already exists and is not empty.");
        if (!File.Exists(Path.Combine(full, DatasetSchema.ManifestFileName)))
            throw new IOException($"'{shown}' is not a dataset (it has no {DatasetSchema.ManifestFileName}); refusing to replace a folder this library did not write.");
        string current = Path.TrimEndingDirectorySeparator(Environment.CurrentDirectory) + Path.DirectorySeparatorChar;
        if (current.StartsWith(full + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new IOException($"'{shown}' holds the current directory; refusing to replace it.");
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
        if (!_completed)
            TemporaryOutput.Delete(_temp);
    }

    private void EnsureOpen() => ObjectDisposedException.ThrowIf(_disposed, this);

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex SplitName();
}
