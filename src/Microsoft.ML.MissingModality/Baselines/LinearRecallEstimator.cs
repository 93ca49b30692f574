using Microsoft.ML.Data;
using Microsoft.ML.MissingModality.Columns;
using Microsoft.ML.MissingModality.Internal;
using Microsoft.ML.MissingModality.Modeling;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Baselines;

/// <summary>
/// Learns to recall one modality's features from another's with ridge regression (closed form, TorchSharp):
/// the simplest missing-modality baseline. Produces a <see cref="LinearRecallTransformer"/>.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Column</term><description>Type</description></listheader>
/// <item><term>Input (<see cref="LinearRecallOptions.InputColumnName"/>)</term><description>known-size vector of Single</description></item>
/// <item><term>Target (<see cref="LinearRecallOptions.TargetColumnName"/>, fit only)</term><description>known-size vector of Single</description></item>
/// <item><term>Output (<see cref="LinearRecallOptions.OutputColumnName"/>)</term><description>vector of Single, the target's size</description></item>
/// </list>
/// Fitting reads the training rows into memory once; every value must be finite.
/// </remarks>
public sealed class LinearRecallEstimator : IEstimator<LinearRecallTransformer>
{
    private readonly MLContext _context;
    private readonly LinearRecallOptions _options;

    internal LinearRecallEstimator(MLContext context, LinearRecallOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _context = context;
        _options = options;
    }

    /// <summary>Fits the ridge map from the input column to the target column over all rows of <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or is not a known-size vector of Single.</exception>
    /// <exception cref="InvalidDataException">A value is NaN or infinite (the message names the column and row), or there are no rows.</exception>
    public LinearRecallTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int inputSize = SchemaChecks.KnownSizeSingleVector(input.Schema, _options.InputColumnName, "Input");
        int targetSize = SchemaChecks.KnownSizeSingleVector(input.Schema, _options.TargetColumnName, "Target");
        var (x, y, rows) = ReadRows(input, inputSize, targetSize);
        if (rows == 0)
            throw new InvalidDataException("LinearRecall needs at least one training row; the input has none.");

        var device = MLContextDevice.Select(_context);
        var model = new LinearRecallModel(inputSize, targetSize);
        using (var scope = torch.NewDisposeScope())
        {
            var xs = torch.tensor(x, [rows, inputSize]).to(device);
            var ys = torch.tensor(y, [rows, targetSize]).to(device);
            model.to(device);
            model.FitRidge(xs, ys, _options.L2Regularization);
        }
        return new LinearRecallTransformer(_context, _options.InputColumnName, _options.OutputColumnName, model);
    }

    /// <summary>The output schema shape: the input's columns plus the recalled vector.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaChecks.SingleVector(inputSchema, _options.InputColumnName, "Input");
        return SchemaShapeColumns.With(inputSchema, SchemaShapeColumns.Vector(_options.OutputColumnName, NumberDataViewType.Single));
    }

    private (float[] X, float[] Y, long Rows) ReadRows(IDataView input, int inputSize, int targetSize)
    {
        var inputColumn = input.Schema[_options.InputColumnName];
        var targetColumn = input.Schema[_options.TargetColumnName];
        var x = new List<float>();
        var y = new List<float>();
        long row = 0;
        using var cursor = Internal.SerialCursor.Open(input, [inputColumn, targetColumn]);
        var getX = cursor.GetGetter<VBuffer<float>>(inputColumn);
        var getY = cursor.GetGetter<VBuffer<float>>(targetColumn);
        VBuffer<float> bx = default, by = default;
        var denseX = new float[inputSize];
        var denseY = new float[targetSize];
        while (cursor.MoveNext())
        {
            getX(ref bx);
            getY(ref by);
            bx.CopyTo(denseX);
            by.CopyTo(denseY);
            SchemaChecks.AllFinite(denseX, inputColumn.Name, row);
            SchemaChecks.AllFinite(denseY, targetColumn.Name, row);
            x.AddRange(denseX);
            y.AddRange(denseY);
            row++;
        }
        return (x.ToArray(), y.ToArray(), row);
    }
}
