using Microsoft.ML.Data;

namespace Microsoft.ML.MissingModality.Scoring;

/// <summary>
/// Holds one input column's values for the rows of a batch, so a batched cursor can read ahead and still serve the
/// passthrough columns of the row it stands on. Values are copied (vectors deeply), never aliased.
/// </summary>
internal abstract class ColumnCache
{
    public abstract void Store(int slot);

    public abstract Delegate MakeGetter(Func<int> currentSlot);

    public static ColumnCache Create(DataViewRow source, DataViewSchema.Column column, int capacity)
    {
        var raw = column.Type.RawType;
        var method = raw.IsGenericType && raw.GetGenericTypeDefinition() == typeof(VBuffer<>)
            ? typeof(ColumnCache).GetMethod(nameof(CreateVector), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(raw.GetGenericArguments()[0])
            : typeof(ColumnCache).GetMethod(nameof(CreateScalar), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(raw);
        return (ColumnCache)method.Invoke(null, [source, column, capacity])!;
    }

    private static ColumnCache CreateVector<T>(DataViewRow source, DataViewSchema.Column column, int capacity) =>
        new VectorCache<T>(source.GetGetter<VBuffer<T>>(column), capacity);

    private static ColumnCache CreateScalar<T>(DataViewRow source, DataViewSchema.Column column, int capacity) =>
        typeof(T) == typeof(ReadOnlyMemory<char>)
            ? new TextCache(source.GetGetter<ReadOnlyMemory<char>>(column), capacity)
            : new ScalarCache<T>(source.GetGetter<T>(column), capacity);

    private sealed class ScalarCache<T>(ValueGetter<T> getter, int capacity) : ColumnCache
    {
        private readonly T[] _values = new T[capacity];

        public override void Store(int slot) => getter(ref _values[slot]);

        public override Delegate MakeGetter(Func<int> currentSlot) =>
            (ValueGetter<T>)((ref T value) => value = _values[currentSlot()]);
    }

    // Text may be backed by a buffer the source reuses: keep our own copy.
    private sealed class TextCache(ValueGetter<ReadOnlyMemory<char>> getter, int capacity) : ColumnCache
    {
        private readonly ReadOnlyMemory<char>[] _values = new ReadOnlyMemory<char>[capacity];
        private ReadOnlyMemory<char> _scratch;

        public override void Store(int slot)
        {
            getter(ref _scratch);
            _values[slot] = _scratch.ToString().AsMemory();
        }

        public override Delegate MakeGetter(Func<int> currentSlot) =>
            (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = _values[currentSlot()]);
    }

    private sealed class VectorCache<T>(ValueGetter<VBuffer<T>> getter, int capacity) : ColumnCache
    {
        private readonly VBuffer<T>[] _values = new VBuffer<T>[capacity];
        private VBuffer<T> _scratch;

        public override void Store(int slot)
        {
            getter(ref _scratch);
            _scratch.CopyTo(ref _values[slot]);
        }

        public override Delegate MakeGetter(Func<int> currentSlot) =>
            (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) => _values[currentSlot()].CopyTo(ref value));
    }
}
