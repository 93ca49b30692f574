using System.Reflection;
using Microsoft.ML.MissingModality.Data;

namespace Microsoft.ML.MissingModality;

/// <summary>Turns what ML.NET and reflection wrap around a failure back into the failure a user should read.</summary>
public static class AvqaErrors
{
    /// <summary>
    /// The cause to report for <paramref name="exception"/>: a located <see cref="AvqaDataException"/> or
    /// <see cref="AvqaModelException"/> anywhere in its chain of inner exceptions (ML.NET reports a row error raised
    /// while it pulls rows on a worker thread as "Splitter/consolidator worker encountered exception", with the real
    /// error two levels down); otherwise the exception itself, less any <see cref="TargetInvocationException"/>,
    /// <see cref="TypeInitializationException"/> or single-inner <see cref="AggregateException"/> around it.
    /// </summary>
    public static Exception RootCause(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var e = exception; e is not null; e = Next(e))
        {
            if (e is AvqaDataException or AvqaModelException)
                return e;
        }
        var cause = exception;
        while (cause is TargetInvocationException or TypeInitializationException or AggregateException { InnerExceptions.Count: 1 }
            || IsWorkerWrapper(cause))
        {
            var inner = Next(cause);
            if (inner is null)
                break;
            cause = inner;
        }
        return cause;
    }

    private static Exception? Next(Exception e) =>
        e is AggregateException { InnerExceptions.Count: > 0 } a ? a.InnerExceptions[0] : e.InnerException;

    /// <summary>ML.NET's wrapper around an exception thrown by a cursor on a worker thread (its text, not its type, says so).</summary>
    private static bool IsWorkerWrapper(Exception e) =>
        e is InvalidOperationException && e.InnerException is not null && e.Message.Contains("encountered exception", StringComparison.Ordinal);
}
