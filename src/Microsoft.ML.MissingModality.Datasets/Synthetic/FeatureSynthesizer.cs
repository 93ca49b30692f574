using System.Numerics;
using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality.Datasets.Synthetic;

/// <summary>
/// Renders a <see cref="Scene"/> into features of a <see cref="FeatureShape"/>. Audio is a sum over the instruments
/// that sound of (type signature + player timbre + rhythm × rhythm signature) × loudness, plus a voice and noise;
/// it never reads a position or an off-screen flag. The visual map places each on-screen instrument's signature at
/// its position as a small blob (signature plus a position code, as real CNN channels carry absolute position), over
/// a venue background with distractor objects and noise; it never reads loudness,
/// rhythm or the voiceover. The two modalities meet only through the scene (see docs/synthetic-benchmark.md).
/// </summary>
public sealed class FeatureSynthesizer
{
    /// <summary>Standard deviation of the audio noise, per element.</summary>
    public const float AudioNoise = 0.3f;

    /// <summary>Standard deviation of the visual noise, per element.</summary>
    public const float VisualNoise = 0.3f;

    private const float TimbreSpread = 0.25f;
    /// <summary>
    /// Spread of an object's Gaussian footprint, as a fraction of the frame (version 4; 0.08 before). Performances
    /// are filmed to show the players, so a player fills a large part of the frame, and a ResNet's last block spreads
    /// it further; at 0.08 an object lit about two cells of a 7×7 map and AVST could not read the picture at all
    /// (docs/synthetic-benchmark.md, "Version 4").
    /// </summary>
    private const float BlobSigma = 0.2f;
    private const int DistractorKinds = 8;
    private const int NoiseBankSize = 1 << 20;

    /// <summary>
    /// Amplitude of the position code an object adds to the channels where it stands. Real CNN maps carry absolute
    /// position in their channels (zero padding and receptive-field edges; Islam, Jia and Bruce, "How Much Position
    /// Information Do Convolutional Neural Networks Encode?", ICLR 2020), so a model that pools over positions, as
    /// AVST's spatial grounding does, can still tell left from right. Without it, location would live only in which
    /// cell is lit, which no channel-wise reader can see.
    /// </summary>
    private const float PositionCodeStrength = 0.75f;

    private readonly float[][] _audioSignature;
    private readonly float[][] _rhythmSignature;
    private readonly float[] _voiceSignature;
    private readonly float[][] _visualSignature;
    private readonly float[][] _distractorSignature;
    private readonly float[] _indoor;
    private readonly float[] _outdoor;
    private readonly float[] _noiseBank;
    private readonly (float FreqX, float PhaseX, float FreqY, float PhaseY)[] _positionCode;
    private readonly int _height;
    private readonly int _width;

    /// <summary>Draws every signature from <paramref name="seed"/>: the same seed gives the same "world".</summary>
    /// <param name="shape">Output shape; visual <c>[C,H,W]</c> maps, or <c>[C]</c> pooled (rendered on a 7×7 grid, then averaged).</param>
    /// <param name="seed">The dataset seed.</param>
    public FeatureSynthesizer(FeatureShape shape, int seed)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.VisualDims.Count == 2)
            throw new ArgumentException("Visual features must be [C,H,W] maps or [C] pooled vectors.", nameof(shape));
        Shape = shape;
        (_height, _width) = shape.VisualDims.Count == 3 ? (shape.VisualDims[1], shape.VisualDims[2]) : (7, 7);
        var rng = new SyntheticRandom(SyntheticRandom.Derive((ulong)seed, 0x5167));
        int n = MusicAvqaVocabulary.Instruments.Count, a = shape.AudioDim, c = shape.VisualChannels;
        _audioSignature = Enumerable.Range(0, n).Select(_ => Gaussian(rng, a, 1f, relu: false)).ToArray();
        _rhythmSignature = Enumerable.Range(0, n).Select(_ => Gaussian(rng, a, 1f, relu: false)).ToArray();
        _voiceSignature = Gaussian(rng, a, 1f, relu: false);
        // ReLU'd like CNN activations: each object lights up its own subset of channels.
        _visualSignature = Enumerable.Range(0, n).Select(_ => Gaussian(rng, c, 1.5f, relu: true)).ToArray();
        _distractorSignature = Enumerable.Range(0, DistractorKinds).Select(_ => Gaussian(rng, c, 1.0f, relu: true)).ToArray();
        _indoor = Gaussian(rng, c, 0.5f, relu: true);
        _outdoor = Gaussian(rng, c, 0.5f, relu: true);
        _noiseBank = Gaussian(rng, Math.Max(NoiseBankSize, 4 * _height * _width), 1f, relu: false);
        // Drawn from a stream of its own so that the signatures above stay what earlier versions drew.
        var positionRng = new SyntheticRandom(SyntheticRandom.Derive((ulong)seed, 0x9051));
        _positionCode = Enumerable.Range(0, c).Select(_ => (
            FreqX: (float)(1 + positionRng.Next(3)), PhaseX: (float)positionRng.Uniform(0, 2 * Math.PI),
            FreqY: (float)(1 + positionRng.Next(2)), PhaseY: (float)positionRng.Uniform(0, 2 * Math.PI))).ToArray();
    }

    /// <summary>Channel <paramref name="channel"/>'s position code for an object centred at (x, y) in [0,1]².</summary>
    private float PositionCode(int channel, float x, float y)
    {
        var (fx, px, fy, py) = _positionCode[channel];
        return PositionCodeStrength * (0.7f * MathF.Cos(MathF.PI * fx * x + px) + 0.3f * MathF.Cos(MathF.PI * fy * y + py));
    }

    /// <summary>The shape of the features this synthesizer renders.</summary>
    public FeatureShape Shape { get; }

    /// <summary>Renders both modalities of one video; <paramref name="renderSeed"/> fixes its noise and distractors.</summary>
    public VideoFeatures Render(string videoId, Scene scene, ulong renderSeed) =>
        new(videoId, RenderAudio(scene, renderSeed), RenderVisual(scene, renderSeed));

    /// <summary>Audio <c>[Segments, AudioDim]</c>, flattened. Reads only what sounds: types, loudness, rhythm, voice.</summary>
    public float[] RenderAudio(Scene scene, ulong renderSeed)
    {
        CheckSegments(scene);
        int T = Shape.Segments, A = Shape.AudioDim;
        var rng = new SyntheticRandom(SyntheticRandom.Derive(renderSeed, 0xA0D10));
        var audio = new float[T * A];
        var timbre = new float[A];
        foreach (var source in scene.Instruments)
        {
            int type = InstrumentIndex(source.Instrument);
            for (int k = 0; k < A; k++)
                timbre[k] = _audioSignature[type][k] + TimbreSpread * (float)rng.Gaussian() + source.Rhythm * _rhythmSignature[type][k];
            for (int t = 0; t < T; t++)
                if (source.Loudness[t] > 0) AddScaled(audio.AsSpan(t * A, A), timbre, source.Loudness[t]);
        }
        for (int t = 0; t < T; t++)
        {
            var row = audio.AsSpan(t * A, A);
            if (scene.Voiceover[t] > 0) AddScaled(row, _voiceSignature, scene.Voiceover[t]);
            for (int k = 0; k < A; k++) row[k] += AudioNoise * (float)rng.Gaussian();
        }
        return audio;
    }

    /// <summary>
    /// Visual maps <c>[Segments, C, H, W]</c> (or pooled <c>[Segments, C]</c>), flattened. Reads only what is on
    /// screen: instrument types, positions, venue.
    /// </summary>
    public float[] RenderVisual(Scene scene, ulong renderSeed)
    {
        CheckSegments(scene);
        int T = Shape.Segments, C = Shape.VisualChannels, P = _height * _width;
        var rng = new SyntheticRandom(SyntheticRandom.Derive(renderSeed, 0x515));
        float[] venue = scene.Indoor ? _indoor : _outdoor;
        var background = new float[C];
        for (int c = 0; c < C; c++) background[c] = venue[c] + 0.2f * (float)rng.Gaussian();
        // Objects in view: the on-screen instruments and 0-3 distractors (people, stands, microphones).
        var objects = scene.Visible.Select(i => (Signature: _visualSignature[InstrumentIndex(i.Instrument)], i.X, i.Y)).ToList();
        int distractors = rng.Next(4);
        for (int d = 0; d < distractors; d++)
            objects.Add((_distractorSignature[rng.Next(DistractorKinds)], (float)rng.Uniform(0.05, 0.95), (float)rng.Uniform(0.1, 0.9)));
        bool pooled = Shape.VisualDims.Count == 1;
        var visual = new float[T * C * (pooled ? 1 : P)];
        var blobs = new float[objects.Count][];
        var map = new float[P];
        // Each object's per-channel weight: what it is (its signature) plus where it is (the position code).
        var weights = objects.Select(o => Enumerable.Range(0, C).Select(c => o.Signature[c] + PositionCode(c, o.X, o.Y)).ToArray()).ToArray();
        for (int t = 0; t < T; t++)
        {
            for (int o = 0; o < objects.Count; o++)   // a little camera shake per segment
                blobs[o] = Blob(objects[o].X + 0.01f * (float)rng.Gaussian(), objects[o].Y + 0.01f * (float)rng.Gaussian());
            for (int c = 0; c < C; c++)
            {
                Span<float> row = pooled ? map : visual.AsSpan((t * C + c) * P, P);
                row.Fill(background[c]);
                for (int o = 0; o < objects.Count; o++)
                    AddScaled(row, blobs[o], weights[o][c]);
                AddScaled(row, _noiseBank.AsSpan(rng.Next(_noiseBank.Length - P), P), VisualNoise);
                Relu(row);
                if (pooled) visual[t * C + c] = Sum(row) / P;
            }
        }
        return visual;
    }

    private float[] Blob(float x, float y)
    {
        var blob = new float[_height * _width];
        float inv = 1f / (2 * BlobSigma * BlobSigma);
        for (int h = 0; h < _height; h++)
        {
            float dy = (h + 0.5f) / _height - y;
            for (int w = 0; w < _width; w++)
            {
                float dx = (w + 0.5f) / _width - x;
                blob[h * _width + w] = MathF.Exp(-(dx * dx + dy * dy) * inv);
            }
        }
        return blob;
    }

    private void CheckSegments(Scene scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        if (scene.Segments != Shape.Segments)
            throw new ArgumentException($"Scene has {scene.Segments} segments; the shape has {Shape.Segments}.", nameof(scene));
    }

    private static int InstrumentIndex(string name)
    {
        int i = MusicAvqaVocabulary.IndexOf(name);
        if (i < 0 || i >= MusicAvqaVocabulary.Instruments.Count)
            throw new ArgumentException($"'{name}' is not a MUSIC-AVQA instrument.", nameof(name));
        return i;
    }

    private static float[] Gaussian(SyntheticRandom rng, int n, float scale, bool relu)
    {
        var v = new float[n];
        for (int i = 0; i < n; i++)
        {
            float g = scale * (float)rng.Gaussian();
            v[i] = relu ? MathF.Max(0, g) : g;
        }
        return v;
    }

    private static void AddScaled(Span<float> dst, ReadOnlySpan<float> src, float a)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = new Vector<float>(a);
            for (; i <= dst.Length - Vector<float>.Count; i += Vector<float>.Count)
                (new Vector<float>(dst[i..]) + va * new Vector<float>(src[i..])).CopyTo(dst[i..]);
        }
        for (; i < dst.Length; i++) dst[i] += a * src[i];
    }

    private static void Relu(Span<float> x)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
                Vector.Max(new Vector<float>(x[i..]), Vector<float>.Zero).CopyTo(x[i..]);
        }
        for (; i < x.Length; i++) x[i] = MathF.Max(0, x[i]);
    }

    private static float Sum(ReadOnlySpan<float> x)
    {
        float s = 0;
        foreach (float v in x) s += v;
        return s;
    }
}
