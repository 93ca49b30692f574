using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Columns;
using Microsoft.ML.MissingModality.Training;

namespace Microsoft.ML.MissingModality.Components;

/// <summary>
/// The column binder: copies one row's inputs by role (the real pair, their missing flags, the recalled pair when
/// the binding has one, the question, and when training the answer and the video) into a slot of a
/// <see cref="TrainingBatch"/>. Getters are made once per cursor; values are checked (finite, known answer) with
/// messages naming column and row. A modality flagged missing is stored as zeros (AVST's baseline rule) and is
/// never read, so a stale value behind the flag cannot leak into a model.
/// </summary>
internal sealed class BatchRowReader
{
    private readonly DataViewRow _row;
    private readonly FeatureBinding _binding;
    private readonly ValueGetter<VBuffer<float>> _audio, _visual;
    private readonly ValueGetter<VBuffer<float>>? _recalledAudio, _recalledVisual;
    private readonly ValueGetter<VBuffer<float>>[]? _enhanced;
    private readonly ValueGetter<VBuffer<uint>>? _tokens;
    private readonly ValueGetter<VBuffer<float>>? _questionVector;
    private readonly ValueGetter<bool>? _audioMissing, _visualMissing;
    private readonly ValueGetter<uint>? _label;
    private readonly ValueGetter<ReadOnlyMemory<char>>? _videoId;
    private ReadOnlyMemory<char> _videoIdText;
    private VBuffer<float> _floats;
    private VBuffer<uint> _keys;

    /// <param name="row">The cursor to read from.</param>
    /// <param name="binding">The model's input contract.</param>
    /// <param name="labelColumn">The key label (training and validation), or null when scoring.</param>
    /// <param name="videoIdColumn">Text column identifying the video (training: keeps matching negatives off the same video), or null.</param>
    public BatchRowReader(DataViewRow row, FeatureBinding binding, string? labelColumn, string? videoIdColumn = null)
    {
        _row = row;
        _binding = binding;
        var schema = row.Schema;
        _audio = row.GetGetter<VBuffer<float>>(schema[binding.AudioColumn]);
        _visual = row.GetGetter<VBuffer<float>>(schema[binding.VisualColumn]);
        if (binding.QuestionIsTokens)
            _tokens = row.GetGetter<VBuffer<uint>>(schema[binding.QuestionColumn]);
        else if (binding.HasQuestion)
            _questionVector = row.GetGetter<VBuffer<float>>(schema[binding.QuestionColumn]);
        if (binding.ReadsRecalled)
        {
            _recalledAudio = row.GetGetter<VBuffer<float>>(schema[binding.RecalledAudioColumn!]);
            _recalledVisual = row.GetGetter<VBuffer<float>>(schema[binding.RecalledVisualColumn!]);
        }
        if (binding.EnhancedColumns is { } enhanced)
            _enhanced = enhanced.All.Select(name => row.GetGetter<VBuffer<float>>(schema[name])).ToArray();
        _audioMissing = schema.GetColumnOrNull(binding.AudioMissingColumn) is { } am ? row.GetGetter<bool>(am) : null;
        _visualMissing = schema.GetColumnOrNull(binding.VisualMissingColumn) is { } vm ? row.GetGetter<bool>(vm) : null;
        if (labelColumn is not null)
            _label = row.GetGetter<uint>(schema[labelColumn]);
        if (videoIdColumn is not null && schema.GetColumnOrNull(videoIdColumn) is { Type: TextDataViewType } videoId)
            _videoId = row.GetGetter<ReadOnlyMemory<char>>(videoId);
        LabelColumn = labelColumn;
    }

    public string? LabelColumn { get; }

    /// <summary>The columns a cursor must activate for this reader.</summary>
    public static IEnumerable<DataViewSchema.Column> Needed(DataViewSchema schema, FeatureBinding binding, string? labelColumn, string? videoIdColumn = null) =>
        binding.ReadColumns.Append(labelColumn).Append(videoIdColumn).OfType<string>()
            .Select(name => schema.GetColumnOrNull(name)).OfType<DataViewSchema.Column>();

    /// <summary>Fills slot <paramref name="slot"/>; returns false when the row's answer is unknown (key 0).</summary>
    public bool Fill(TrainingBatch batch, int slot)
    {
        bool audioMissing = false, visualMissing = false;
        _audioMissing?.Invoke(ref audioMissing);
        _visualMissing?.Invoke(ref visualMissing);
        batch.AudioMissing[slot] = audioMissing;
        batch.VisualMissing[slot] = visualMissing;
        ReadFeatures(_audio, batch.Audio.AsSpan(slot * batch.AudioLength, batch.AudioLength), _binding.AudioColumn, audioMissing);
        if (batch.ReferencesVisualRows)
            PlaceVisualRow(batch, slot, visualMissing);
        else
            ReadFeatures(_visual, batch.Visual.AsSpan(slot * batch.VisualLength, batch.VisualLength), _binding.VisualColumn, visualMissing);
        if (_recalledAudio is not null && batch.RecalledAudio is not null && batch.RecalledVisual is not null)
        {
            // Audio is recalled from the picture and the picture from the audio: without the source there is nothing recalled.
            ReadFeatures(_recalledAudio, batch.RecalledAudio.AsSpan(slot * batch.AudioLength, batch.AudioLength), _binding.RecalledAudioColumn!, visualMissing);
            ReadFeatures(_recalledVisual!, batch.RecalledVisual.AsSpan(slot * batch.VisualLength, batch.VisualLength), _binding.RecalledVisualColumn!, audioMissing);
        }
        if (_enhanced is not null && batch.EnhancedRecalledAudio is not null)
        {
            // The pair built on the recalled audio needs the picture, the pair built on the recalled picture the audio.
            var names = _binding.EnhancedColumns!.All;
            ReadFeatures(_enhanced[0], batch.EnhancedRecalledAudio.AsSpan(slot * batch.AudioLength, batch.AudioLength), names[0], visualMissing);
            ReadFeatures(_enhanced[1], batch.EnhancedVisualWithRecalledAudio!.AsSpan(slot * batch.VisualLength, batch.VisualLength), names[1], visualMissing);
            ReadFeatures(_enhanced[2], batch.EnhancedAudioWithRecalledVisual!.AsSpan(slot * batch.AudioLength, batch.AudioLength), names[2], audioMissing);
            ReadFeatures(_enhanced[3], batch.EnhancedRecalledVisual!.AsSpan(slot * batch.VisualLength, batch.VisualLength), names[3], audioMissing);
        }

        if (_tokens is not null)
        {
            _tokens(ref _keys);
            var destination = batch.Tokens.AsSpan(slot * batch.QuestionLength, batch.QuestionLength);
            destination.Clear();
            int i = 0;
            foreach (uint word in _keys.DenseValues())
            {
                if (i == destination.Length)
                    break;
                destination[i++] = word;         // key k (1-based) is word id k; key 0 (unknown word) is the padding id
            }
        }
        else if (_questionVector is not null)
        {
            ReadFeatures(_questionVector, batch.QuestionVector.AsSpan(slot * batch.QuestionLength, batch.QuestionLength), _binding.QuestionColumn, missing: false);
        }

        batch.VideoKeys[slot] = VideoKey();
        if (_label is null)
            return true;
        uint key = 0;
        _label(ref key);
        batch.Labels[slot] = key == 0 ? -1 : key - 1;
        return key != 0;
    }

    // A stable 64-bit key per video id (FNV-1a); without a video id column every row counts as its own video.
    private long VideoKey()
    {
        if (_videoId is null)
            return ~_row.Position;
        _videoId(ref _videoIdText);
        ulong hash = 14695981039346656037UL;
        foreach (char c in _videoIdText.Span)
            hash = (hash ^ c) * 1099511628211UL;
        return (long)(hash >> 1);
    }

    // The visual row of a batch that references rows: in place where the dataset reader decoded it (under a lease),
    // else copied into the batch's own array as usual.
    private void PlaceVisualRow(TrainingBatch batch, int slot, bool missing)
    {
        if (missing)
            batch.ZeroVisualRow(slot);
        else if (_visual.Target is Data.IFeatureRowSource reader && reader.Length == batch.VisualLength && reader.TryLeaseCurrent(out var row, out var owner))
            batch.ReferenceVisualRow(slot, row, owner);
        else
            ReadFeatures(_visual, batch.OwnVisualRow(slot), _binding.VisualColumn, missing: false);
    }

    private void ReadFeatures(ValueGetter<VBuffer<float>> getter, Span<float> destination, string column, bool missing)
    {
        if (missing)
        {
            destination.Clear();
            return;
        }
        if (getter.Target is Data.IFeatureRowSource reader && reader.Length == destination.Length)
        {
            // The dataset reader's own getter, passed through unchanged: one copy, values already checked when decoded.
            reader.CopyCurrent(destination);
            return;
        }
        getter(ref _floats);
        if (_floats.Length != destination.Length)
            throw new InvalidDataException($"Column '{column}', row {_row.Position}: {_floats.Length} values, expected {destination.Length}.");
        _floats.CopyTo(destination);
        SchemaChecks.AllFinite(destination, column, _row.Position);
    }
}
