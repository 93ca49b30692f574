namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// Streams one split (videos and questions) into a dataset being written by <see cref="DatasetWriter"/>. Rows are
/// validated as they come (vector lengths, NaN/infinity, empty or duplicate ids; questions whose video is absent
/// are reported by <see cref="Complete"/>), buffered up to a row group and written to disk, so a split is never held
/// in memory. Videos and questions may be interleaved in any order; writing a video's questions right after it
/// keeps reading cache-friendly. With <see cref="DatasetWriterOptions.VideosPerShard"/> the split is written as
/// shards of that many videos, each question in its video's shard: the videos stream to disk as before, the
/// questions (text only) are held until <see cref="Complete"/> writes each shard's questions table, since a question
/// may come before its video or long after its shard is full.
/// </summary>
public sealed class DatasetSplitWriter : IDisposable
{
    private readonly DatasetWriter _owner;
    private readonly string _directory;
    private readonly FeatureShape _shape;
    private readonly DatasetWriterOptions _options;
    private readonly List<ShardWriter> _shards = [];
    private readonly Dictionary<string, long> _videoRows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(QuestionRecord Question, long Row)>> _waiting = new(StringComparer.Ordinal);
    private readonly Dictionary<QuestionType, long> _typeCounts = QuestionType.All.ToDictionary(t => t, _ => 0L);
    private long _questionCount, _missingAudio, _missingVisual;
    private bool _completed, _disposed;

    internal DatasetSplitWriter(DatasetWriter owner, string name, string directory, FeatureShape shape, DatasetWriterOptions options)
    {
        _owner = owner;
        _directory = directory;
        _shape = shape;
        _options = options;
        Name = name;
        _shards.Add(ShardWriter.Create(this, 0));
    }

    /// <summary>The split's name, e.g. <c>train</c>.</summary>
    public string Name { get; }

    /// <summary>The videos table now being written (the last shard's).</summary>
    public string VideosFile => _shards[^1].VideosFile;

    /// <summary>The questions table of the shard now being written.</summary>
    public string QuestionsFile => _shards[^1].QuestionsFile;

    /// <summary>Videos written so far.</summary>
    public long VideoCount => _videoRows.Count;

    /// <summary>Questions written so far (a question waiting for its video included).</summary>
    public long QuestionCount => _questionCount;

    /// <summary>True once <see cref="Complete"/> has succeeded.</summary>
    public bool IsCompleted => _completed;

    private bool Sharded => _options.VideosPerShard is not null;

    /// <summary>
    /// Writes one video. Its arrays are copied at once, so the caller may reuse them for the next video.
    /// </summary>
    /// <exception cref="AvqaDataException">Empty or duplicate id, wrong vector length, or a NaN/infinite value.</exception>
    public void WriteVideo(VideoFeatures video)
    {
        ArgumentNullException.ThrowIfNull(video);
        EnsureOpen();
        // Checked before a full shard is closed, so that a rejected video never leaves an empty shard behind.
        bool nextShard = _options.VideosPerShard is int perShard && _shards[^1].Videos == perShard;
        string file = nextShard ? DatasetSchema.VideosFileName(Name, _shards.Count) : _shards[^1].VideosFile;
        long row = nextShard ? 0 : _shards[^1].Videos;
        if (string.IsNullOrEmpty(video.VideoId))
            throw new AvqaDataException(file, DatasetSchema.VideoIdColumn, row, "The video id is empty.");
        if (_videoRows.TryGetValue(video.VideoId, out long first))
            throw new AvqaDataException(file, DatasetSchema.VideoIdColumn, row, $"Duplicate video id '{video.VideoId}' (first written {Where(first)}).");
        Check(video.Audio, _shape.AudioLength, DatasetSchema.AudioColumn, row, video.VideoId, file);
        Check(video.Visual, _shape.VisualLength, DatasetSchema.VisualColumn, row, video.VideoId, file);
        if (nextShard)
        {
            _shards.Add(ShardWriter.Create(this, _shards.Count));
            _shards[^2].CompleteVideos();
        }
        var shard = _shards[^1];
        shard.AddVideo(video);
        _videoRows.Add(video.VideoId, _videoRows.Count);
        if (video.Audio is null)
            _missingAudio++;
        if (video.Visual is null)
            _missingVisual++;
        if (_waiting.Remove(video.VideoId, out var questions))
            foreach (var (question, _) in questions)
                shard.AddQuestion(question);
    }

    /// <summary>Writes one question; its video may be written before or after it, but within this split.</summary>
    /// <exception cref="AvqaDataException">An empty field, or a question id already written anywhere in the dataset.</exception>
    public void WriteQuestion(QuestionRecord question)
    {
        ArgumentNullException.ThrowIfNull(question);
        EnsureOpen();
        long row = _questionCount;
        // Unsharded, every question goes to the one questions table; sharded, to its video's shard (or waits for it).
        ShardWriter? shard = !Sharded ? _shards[0]
            : question.VideoId is not null && _videoRows.TryGetValue(question.VideoId, out long videoRow) ? _shards[ShardOf(videoRow)]
            : null;
        string file = shard?.QuestionsFile ?? $"split '{Name}'";
        long fileRow = shard?.Questions ?? row;
        RequireText(question.QuestionId, DatasetSchema.QuestionIdColumn, file, fileRow);
        RequireText(question.VideoId, DatasetSchema.VideoIdColumn, file, fileRow);
        RequireText(question.Question, DatasetSchema.QuestionColumn, file, fileRow);
        RequireText(question.Answer, DatasetSchema.AnswerColumn, file, fileRow);
        if (question.Template is null)
            throw new AvqaDataException(file, DatasetSchema.TemplateColumn, fileRow, "The template is null.");
        if (question.Type is null)
            throw new AvqaDataException(file, DatasetSchema.QuestionTypeColumn, fileRow, "The question type is null.");
        string? previous = _owner.ClaimQuestionId(question.QuestionId, shard is null ? $"question {row} of split '{Name}'" : $"{file} row {fileRow}");
        if (previous is not null)
            throw new AvqaDataException(file, DatasetSchema.QuestionIdColumn, fileRow, $"Duplicate question id '{question.QuestionId}' (first written at {previous}).");
        if (shard is not null)
            shard.AddQuestion(question);
        else
            (_waiting.TryGetValue(question.VideoId!, out var list) ? list : _waiting[question.VideoId!] = []).Add((question, row));
        _questionCount++;
        _typeCounts[question.Type]++;
    }

    /// <summary>
    /// Checks that every question's video was written, then finishes the files. The split appears in the
    /// dataset only when <see cref="DatasetWriter.Complete"/> succeeds.
    /// </summary>
    /// <exception cref="AvqaDataException">A question refers to a video this split does not have.</exception>
    public void Complete()
    {
        EnsureOpen();
        foreach (var shard in _shards)
            shard.CheckVideosWritten(_videoRows);
        if (_waiting.Count > 0)
        {
            var (question, row) = _waiting.Values.SelectMany(q => q).MinBy(q => q.Row);
            throw new AvqaDataException($"split '{Name}'", DatasetSchema.VideoIdColumn, row, $"Video '{question.VideoId}' of question '{question.QuestionId}' is not in the split.");
        }
        foreach (var shard in _shards)
            shard.Complete();
        _completed = true;
        _disposed = true;
    }

    /// <summary>The manifest entry of a completed split.</summary>
    internal SplitManifest ToManifest() => new(
        _shards.Select(s => new SplitShard(s.VideosFile, s.QuestionsFile, s.Videos, s.Questions)).ToList(),
        VideoCount, QuestionCount, _missingAudio, _missingVisual,
        QuestionType.All.ToDictionary(t => t.ToString(), t => _typeCounts[t]));

    /// <summary>Abandons the split if it was not completed (its partial files go with the dataset's temporary folder).</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var shard in _shards)
            shard.Dispose();
    }

    private int ShardOf(long videoRow) => _options.VideosPerShard is int n ? (int)(videoRow / n) : 0;

    private string Where(long videoRow)
    {
        var shard = _shards[ShardOf(videoRow)];
        long before = _options.VideosPerShard is int n ? ShardOf(videoRow) * (long)n : 0;
        return $"in {shard.VideosFile} at row {videoRow - before}";
    }

    private void EnsureOpen()
    {
        if (_disposed)
            throw new InvalidOperationException($"Split '{Name}' is already completed or disposed.");
    }

    private void Check(float[]? values, int expected, string column, long row, string videoId, string file)
    {
        if (values is null)
            return;
        if (values.Length != expected)
            throw new AvqaDataException(file, column, row, $"Video '{videoId}': expected {expected} values ({column} shape [{string.Join(",", column == DatasetSchema.AudioColumn ? _shape.AudioShape : _shape.VisualShape)}]), got {values.Length}.");
        int bad = ParquetTables.IndexOfNonFinite(values);
        if (bad >= 0)
            throw new AvqaDataException(file, column, row, $"Video '{videoId}': value {bad} is {values[bad]}; features must be finite.");
    }

    private static void RequireText(string? text, string column, string file, long row)
    {
        if (string.IsNullOrEmpty(text))
            throw new AvqaDataException(file, column, row, $"The {column} is empty.");
    }

    /// <summary>
    /// One shard's two tables, written to <c>.partial</c> files that <see cref="Complete"/> renames. The videos table
    /// is finished as soon as the shard is full (its row-group buffer freed). The questions table streams when the
    /// split is one shard; a sharded split's questions are held and written when it completes, so that no shard keeps
    /// a file open for questions that may still come.
    /// </summary>
    private sealed class ShardWriter : IDisposable
    {
        private readonly string _videosPath, _questionsPath;
        private readonly FeatureShape _shape;
        private readonly DatasetWriterOptions _options;
        private readonly VideoTableWriter _videos;
        private QuestionTableWriter? _questions;
        private readonly List<QuestionRecord>? _heldQuestions;
        private readonly List<string> _questionVideoIds = [];
        private bool _videosCompleted;

        private ShardWriter(DatasetSplitWriter split, string videosFile, string questionsFile, VideoTableWriter videos)
        {
            VideosFile = videosFile;
            QuestionsFile = questionsFile;
            _videosPath = Path.Combine(split._directory, videosFile);
            _questionsPath = Path.Combine(split._directory, questionsFile);
            _shape = split._shape;
            _options = split._options;
            _videos = videos;
            _heldQuestions = split.Sharded ? [] : null;
        }

        public static ShardWriter Create(DatasetSplitWriter split, int index)
        {
            int? shard = split.Sharded ? index : null;
            string videosFile = DatasetSchema.VideosFileName(split.Name, shard);
            var videos = VideoTableWriter.Create(Path.Combine(split._directory, videosFile) + ".partial", split._shape, split._options);
            var writer = new ShardWriter(split, videosFile, DatasetSchema.QuestionsFileName(split.Name, shard), videos);
            if (writer._heldQuestions is null)
            {
                try
                {
                    writer.OpenQuestions();
                }
                catch
                {
                    writer.Dispose();
                    throw;
                }
            }
            return writer;
        }

        private void OpenQuestions() => _questions = QuestionTableWriter.Create(_questionsPath + ".partial", _shape, _options);

        public string VideosFile { get; }

        public string QuestionsFile { get; }

        public long Videos { get; private set; }

        public long Questions => _questionVideoIds.Count;

        public void AddVideo(VideoFeatures video)
        {
            _videos.Add(video.VideoId, video.Audio, video.Audio is null, video.Visual, video.Visual is null);
            Videos++;
        }

        public void AddQuestion(QuestionRecord question)
        {
            if (_heldQuestions is not null)
                _heldQuestions.Add(question);
            else
                _questions!.Add(question);
            _questionVideoIds.Add(question.VideoId);
        }

        /// <summary>Unsharded, questions are written before their video is known to exist: checked here.</summary>
        public void CheckVideosWritten(Dictionary<string, long> videoRows)
        {
            for (int i = 0; i < _questionVideoIds.Count; i++)
            {
                if (!videoRows.ContainsKey(_questionVideoIds[i]))
                    throw new AvqaDataException(QuestionsFile, DatasetSchema.VideoIdColumn, i, $"Video '{_questionVideoIds[i]}' is not in {VideosFile}.");
            }
        }

        public void CompleteVideos()
        {
            if (_videosCompleted)
                return;
            _videosCompleted = true;
            _videos.Complete();
        }

        public void Complete()
        {
            CompleteVideos();
            if (_heldQuestions is not null)
            {
                OpenQuestions();
                foreach (var question in _heldQuestions)
                    _questions!.Add(question);
            }
            _questions!.Complete();
            File.Move(_videosPath + ".partial", _videosPath);
            File.Move(_questionsPath + ".partial", _questionsPath);
        }

        public void Dispose()
        {
            _videos.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _questions?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
