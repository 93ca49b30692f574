namespace Microsoft.ML.MissingModality.Cli.Recipes;

/// <summary>The <c>--device</c> option: <c>auto</c> (GPU 0 when there is one), <c>cpu</c>, or <c>cuda</c> (GPU 0, or fail).</summary>
public static class DeviceChoice
{
    /// <summary>The accepted values.</summary>
    public static readonly string[] Names = ["auto", "cpu", "cuda"];

    /// <summary>Sets the context's device settings for <paramref name="choice"/>.</summary>
    public static void Apply(MLContext context, string choice)
    {
        switch (choice)
        {
            case "cpu":
                context.GpuDeviceId = null;
                break;
            case "cuda":
                context.GpuDeviceId = 0;
                context.FallbackToCpu = false;
                break;
            case "auto":
                context.GpuDeviceId = 0;
                context.FallbackToCpu = true;
                break;
            default:
                throw new ArgumentException($"Unknown device '{choice}': expected auto, cpu or cuda.");
        }
    }
}
