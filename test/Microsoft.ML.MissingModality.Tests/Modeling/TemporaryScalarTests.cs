using System.Reflection;
using System.Reflection.Emit;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Tests.Modeling;

/// <summary>
/// No torch call in the library takes a temporary <see cref="Scalar"/>. TorchSharp 0.107 turns a double or an int
/// passed where libtorch takes a Scalar (<c>x * 0.5</c>, <c>a + b</c>'s alpha of 1, <c>square()</c>'s exponent) into a
/// Scalar whose only reference dies once its handle is read; a garbage collection started by another thread (the data
/// path's reader) during the native call lets the finalizer free it mid-call, and libtorch fails with "Unknown scalar
/// type" or "Expected false to be true" at c10/core/Scalar.h — seen in `a + b`, `vector_norm` and `square()` here.
/// This test reads the library's IL: every Scalar it makes must be stored (a local held by <c>using</c>, or a field)
/// before use, and it must call no TorchSharp method that makes one inside itself (found the same way, transitively).
/// </summary>
[TestClass]
public sealed class TemporaryScalarTests
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [TestMethod]
    public void Library_TorchCalls_TakeNoTemporaryScalar()
    {
        var torchSharp = typeof(Scalar).Assembly;
        var makers = ScalarMakingMethods(torchSharp);
        var offenders = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var method in Methods(typeof(MissingModalityCatalog).Assembly))
            foreach (var (callee, next) in Calls(method))
            {
                string where = $"{method.DeclaringType!.FullName}.{method.Name}";
                if (IsScalarConversion(callee))
                {
                    if (!IsStore(next))
                        offenders.Add($"{where}: a temporary Scalar ({callee.Name})");
                }
                else if (makers.Contains(callee))
                    offenders.Add($"{where}: {callee.DeclaringType!.Name}.{callee.Name}({string.Join(", ", callee.GetParameters().Select(p => p.ParameterType.Name))}) makes a temporary Scalar");
            }
        Assert.IsEmpty(offenders, "Use the held Scalars of HeldScalars (Plus, Times, DividedBy, Squared, ...) or a `using Scalar` local:\n" + string.Join("\n", offenders));
    }

    [TestMethod]
    public void ScalarMakingMethods_TorchSharpOperators_FindTheKnownOffenders()
    {
        // The check is only as good as its view of TorchSharp: these three made temporaries in failures seen here.
        var makers = ScalarMakingMethods(typeof(Scalar).Assembly);
        var tensor = typeof(torch.Tensor);
        Assert.Contains(tensor.GetMethod("op_Addition", [tensor, tensor])!, makers);
        Assert.Contains(tensor.GetMethod("square", Type.EmptyTypes)!, makers);
        Assert.Contains(tensor.GetMethod("op_Multiply", [tensor, typeof(double)])!, makers);
        Assert.DoesNotContain(tensor.GetMethod("op_Multiply", [tensor, tensor])!, makers);
    }

    /// <summary>TorchSharp methods that, directly or through other TorchSharp methods, convert a value to a Scalar they do not store.</summary>
    private static HashSet<MethodBase> ScalarMakingMethods(Assembly torchSharp)
    {
        var methods = Methods(torchSharp).ToList();
        var calls = methods.ToDictionary(m => m, m => Calls(m).ToList());
        var makers = methods.Where(m => !IsScalarConversion(m) && calls[m].Any(c => IsScalarConversion(c.Callee) && !IsStore(c.Next))).ToHashSet();
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (var m in methods)
                if (!makers.Contains(m) && !IsScalarConversion(m) && calls[m].Any(c => makers.Contains(c.Callee)))
                    grew = makers.Add(m);
        }
        return makers;
    }

    private static bool IsScalarConversion(MethodBase method) =>
        method is MethodInfo { ReturnType: var type } && type == typeof(Scalar) && method.Name is "op_Implicit" or "ToScalar";

    private static bool IsStore(OpCode? next) => next is { } op && (op.Name!.StartsWith("stloc", StringComparison.Ordinal) || op == OpCodes.Stfld || op == OpCodes.Stsfld);

    private static IEnumerable<MethodBase> Methods(Assembly assembly)
    {
        Type?[] types;
        try { types = assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e) { types = e.Types; }
        return types.OfType<Type>().SelectMany(t => t.GetMethods(Declared).Cast<MethodBase>().Concat(t.GetConstructors(Declared)));
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>Every method a method's IL calls, with the instruction after the call (null at the end).</summary>
    private static List<(MethodBase Callee, OpCode? Next)> Calls(MethodBase method)
    {
        var found = new List<(MethodBase, OpCode?)>();
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException) { return found; }
        if (il is null)
            return found;
        MethodBase? pending = null;
        for (int i = 0; i < il.Length;)
        {
            var op = il[i] == 0xFE ? OpCodesByValue[(short)(0xFE00 | il[i + 1])] : OpCodesByValue[il[i]];
            if (pending is not null)
            {
                found.Add((pending, op));
                pending = null;
            }
            i += op.Size;
            if (op.OperandType == OperandType.InlineMethod)
                pending = Resolve(method, BitConverter.ToInt32(il, i));
            i += op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
        }
        if (pending is not null)
            found.Add((pending, null));
        return found;
    }

    private static MethodBase? Resolve(MethodBase method, int token)
    {
        try
        {
            return method.Module.ResolveMethod(token,
                method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null,
                method.IsGenericMethod ? method.GetGenericArguments() : null);
        }
        catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException or FileNotFoundException)
        {
            return null;
        }
    }
}
