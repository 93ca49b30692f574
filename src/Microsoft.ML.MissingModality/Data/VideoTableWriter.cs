using Parquet;
using Parquet.Schema;

namespace Microsoft.ML.MissingModality.Data;

/// <summary>
/// Streams videos into a videos table: buffers up to one row group in reused arrays, then writes its columns
/// with Parquet.Net's raw <c>WriteAllPartsAsync</c>. Validation is the caller's job.
/// </summary>
internal sealed class VideoTableWriter : IAsyncDisposable
{
    private readonly ParquetFileSink _sink;
    private readonly DataField _videoId, _audio, _visual;
    private readonly int _groupSize;
    private readonly ListColumnBuffer _audioBuffer, _visualBuffer;
    private readonly string[] _ids;
    private int _count;

    private VideoTableWriter(ParquetFileSink sink, DataField id, DataField audio, DataField visual, FeatureShape shape, int groupSize)
    {
        _sink = sink;
        _videoId = id;
        _audio = audio;
        _visual = visual;
        _groupSize = groupSize;
        _ids = new string[groupSize];
        _audioBuffer = new ListColumnBuffer(shape.AudioLength, groupSize);
        _visualBuffer = new ListColumnBuffer(shape.VisualLength, groupSize);
    }

    public static VideoTableWriter Create(string path, FeatureShape shape, DatasetWriterOptions options)
    {
        var schema = ParquetTables.VideoSchema(out var id, out var audio, out var visual);
        var sink = ParquetFileSink.Create(path, schema, ParquetTables.VideosTable, shape, options, bufferSize: 1 << 20);
        return new VideoTableWriter(sink, id, audio, visual, shape, options.VideosPerGroup(shape));
    }

    public void Add(string videoId, ReadOnlySpan<float> audio, bool audioMissing, ReadOnlySpan<float> visual, bool visualMissing)
    {
        _ids[_count++] = videoId;
        _audioBuffer.Add(audio, audioMissing);
        _visualBuffer.Add(visual, visualMissing);
        if (_count == _groupSize)
            Flush();
    }

    private void Flush()
    {
        if (_count == 0)
            return;
        using (var group = _sink.CreateRowGroup())
        {
            group.WriteAsync(_videoId, new ArraySegment<string>(_ids, 0, _count), null).GetAwaiter().GetResult();
            _audioBuffer.Write(group, _audio);
            _visualBuffer.Write(group, _visual);
        }
        _count = 0;
    }

    /// <summary>Writes the last row group and the footer, and flushes the file to disk.</summary>
    public void Complete()
    {
        Flush();
        _sink.Complete();
    }

    public ValueTask DisposeAsync() => _sink.DisposeAsync();

    /// <summary>Values, definition and repetition levels of one row group of a nullable list&lt;float&gt; column.</summary>
    private sealed class ListColumnBuffer(int length, int rows)
    {
        private readonly float[] _values = new float[(long)length * rows];
        private readonly int[] _defs = new int[(long)length * rows];
        private readonly int[] _reps = new int[(long)length * rows];
        private int _valueCount, _levelCount;

        public void Add(ReadOnlySpan<float> values, bool missing)
        {
            if (missing)
            {
                _defs[_levelCount] = 0; // a null list
                _reps[_levelCount] = 0;
                _levelCount++;
                return;
            }
            values.CopyTo(_values.AsSpan(_valueCount));
            _valueCount += values.Length;
            _defs.AsSpan(_levelCount, values.Length).Fill(2);
            _reps.AsSpan(_levelCount, values.Length).Fill(1);
            _reps[_levelCount] = 0;
            _levelCount += values.Length;
        }

        public void Write(ParquetRowGroupWriter group, DataField field)
        {
            group.WriteAllPartsAsync<float>(field, _values.AsMemory(0, _valueCount), _defs.AsMemory(0, _levelCount), _reps.AsMemory(0, _levelCount), default)
                .GetAwaiter().GetResult();
            _valueCount = 0;
            _levelCount = 0;
        }
    }
}
