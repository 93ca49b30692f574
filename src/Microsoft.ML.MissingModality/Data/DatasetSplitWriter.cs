namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// Streams one split (videos and questions) into a dataset being written by <see cref="DatasetWriter"/>. Rows are
/// validated as they come (vector lengths, NaN/infinity, empty or duplicate ids; questions whose video is absent
/// are reported by <see cref="Complete"/>), buffered up to a row group and written to disk, so a split is never held
/// in memory. Videos and questions may be interleaved in any order; writing a video's questions right after it
/// keeps reading cache-friendly.
/// </summary>
public sealed class DatasetSplitWriter : IDisposable
{
    private readonly DatasetWriter _owner;
    private readonly FeatureShape _shape;
    private readonly string _videosPath, _questionsPath;
    private readonly VideoTableWriter _videos;
    private readonly QuestionTableWriter _questions;
    private readonly Dictionary<string, long> _videoRows = new(StringComparer.Ordinal);
    private readonly List<string> _questionVideoIds = [];
    private readonly Dictionary<QuestionType, long> _typeCounts = QuestionType.All.ToDictionary(t => t, _ => 0L);
    private long _missingAudio, _missingVisual;
    private bool _completed, _disposed;

    internal DatasetSplitWriter(DatasetWriter owner, string name, string directory, FeatureShape shape, DatasetWriterOptions options)
    {
        _owner = owner;
        _shape = shape;
        Name = name;
        VideosFile = DatasetSchema.VideosFileName(name);
        QuestionsFile = DatasetSchema.QuestionsFileName(name);
        _videosPath = Path.Combine(directory, VideosFile);
        _questionsPath = Path.Combine(directory, QuestionsFile);
        _videos = VideoTableWriter.Create(_videosPath + ".partial", shape, options);
        try
        {
            _questions = QuestionTableWriter.Create(_questionsPath + ".partial", shape, options);
        }
        catch
        {
            _videos.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>The split's name, e.g. <c>train</c>.</summary>
    public string Name { get; }

    /// <summary>The videos table's file name.</summary>
    public string VideosFile { get; }

    /// <summary>The questions table's file name.</summary>
    public string QuestionsFile { get; }

    /// <summary>Videos written so far.</summary>
    public long VideoCount => _videoRows.Count;

    /// <summary>Questions written so far.</summary>
    public long QuestionCount => _questionVideoIds.Count;

    /// <summary>True once <see cref="Complete"/> has succeeded.</summary>
    public bool IsCompleted => _completed;

    /// <summary>
    /// Writes one video. Its arrays are copied at once, so the caller may reuse them for the next video.
    /// </summary>
    /// <exception cref="AvqaDataException">Empty or duplicate id, wrong vector length, or a NaN/infinite value.</exception>
    public void WriteVideo(VideoFeatures video)
    {
        ArgumentNullException.ThrowIfNull(video);
        EnsureOpen();
        long row = _videoRows.Count;
        if (string.IsNullOrEmpty(video.VideoId))
            throw new AvqaDataException(VideosFile, DatasetSchema.VideoIdColumn, row, "The video id is empty.");
        if (_videoRows.TryGetValue(video.VideoId, out long first))
            throw new AvqaDataException(VideosFile, DatasetSchema.VideoIdColumn, row, $"Duplicate video id '{video.VideoId}' (first written at row {first}).");
        Check(video.Audio, _shape.AudioLength, DatasetSchema.AudioColumn, row, video.VideoId);
        Check(video.Visual, _shape.VisualLength, DatasetSchema.VisualColumn, row, video.VideoId);
        _videos.Add(video.VideoId, video.Audio, video.Audio is null, video.Visual, video.Visual is null);
        _videoRows.Add(video.VideoId, row);
        if (video.Audio is null)
            _missingAudio++;
        if (video.Visual is null)
            _missingVisual++;
    }

    /// <summary>Writes one question; its video may be written before or after it, but within this split.</summary>
    /// <exception cref="AvqaDataException">An empty field, or a question id already written anywhere in the dataset.</exception>
    public void WriteQuestion(QuestionRecord question)
    {
        ArgumentNullException.ThrowIfNull(question);
        EnsureOpen();
        long row = _questionVideoIds.Count;
        RequireText(question.QuestionId, DatasetSchema.QuestionIdColumn, row);
        RequireText(question.VideoId, DatasetSchema.VideoIdColumn, row);
        RequireText(question.Question, DatasetSchema.QuestionColumn, row);
        RequireText(question.Answer, DatasetSchema.AnswerColumn, row);
        if (question.Template is null)
            throw new AvqaDataException(QuestionsFile, DatasetSchema.TemplateColumn, row, "The template is null.");
        if (question.Type is null)
            throw new AvqaDataException(QuestionsFile, DatasetSchema.QuestionTypeColumn, row, "The question type is null.");
        string? previous = _owner.ClaimQuestionId(question.QuestionId, $"{QuestionsFile} row {row}");
        if (previous is not null)
            throw new AvqaDataException(QuestionsFile, DatasetSchema.QuestionIdColumn, row, $"Duplicate question id '{question.QuestionId}' (first written at {previous}).");
        _questions.Add(question);
        _questionVideoIds.Add(question.VideoId);
        _typeCounts[question.Type]++;
    }

    /// <summary>
    /// Checks that every question's video was written, then finishes both files. The split appears in the
    /// dataset only when <see cref="DatasetWriter.Complete"/> succeeds.
    /// </summary>
    /// <exception cref="AvqaDataException">A question refers to a video this split does not have.</exception>
    public void Complete()
    {
        EnsureOpen();
        for (int i = 0; i < _questionVideoIds.Count; i++)
        {
            if (!_videoRows.ContainsKey(_questionVideoIds[i]))
                throw new AvqaDataException(QuestionsFile, DatasetSchema.VideoIdColumn, i, $"Video '{_questionVideoIds[i]}' is not in {VideosFile}.");
        }
        _videos.Complete();
        _questions.Complete();
        File.Move(_videosPath + ".partial", _videosPath);
        File.Move(_questionsPath + ".partial", _questionsPath);
        _completed = true;
        _disposed = true;
    }

    /// <summary>The manifest entry of a completed split.</summary>
    internal SplitManifest ToManifest() => new(
        VideosFile, QuestionsFile, VideoCount, QuestionCount, _missingAudio, _missingVisual,
        QuestionType.All.ToDictionary(t => t.ToString(), t => _typeCounts[t]));

    /// <summary>Abandons the split if it was not completed (its partial files go with the dataset's temporary folder).</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _videos.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _questions.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private void EnsureOpen()
    {
        if (_disposed)
            throw new InvalidOperationException($"Split '{Name}' is already completed or disposed.");
    }

    private void Check(float[]? values, int expected, string column, long row, string videoId)
    {
        if (values is null)
            return;
        if (values.Length != expected)
            throw new AvqaDataException(VideosFile, column, row, $"Video '{videoId}': expected {expected} values ({column} shape [{string.Join(",", column == DatasetSchema.AudioColumn ? _shape.AudioShape : _shape.VisualShape)}]), got {values.Length}.");
        int bad = ParquetTables.IndexOfNonFinite(values);
        if (bad >= 0)
            throw new AvqaDataException(VideosFile, column, row, $"Video '{videoId}': value {bad} is {values[bad]}; features must be finite.");
    }

    private void RequireText(string? text, string column, long row)
    {
        if (string.IsNullOrEmpty(text))
            throw new AvqaDataException(QuestionsFile, column, row, $"The {column} is empty.");
    }
}
