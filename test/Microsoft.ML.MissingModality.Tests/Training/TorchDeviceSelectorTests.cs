using Microsoft.ML.MissingModality.Training;
using TorchSharp;

namespace Microsoft.ML.MissingModality.Tests.Training;

[TestClass]
public sealed class TorchDeviceSelectorTests
{
    [TestMethod]
    public void Select_NoGpuId_IsCpu()
    {
        Assert.AreEqual(DeviceType.CPU, TorchDeviceSelector.Select(null, fallbackToCpu: false, availableCudaDevices: 4).type);
    }

    [TestMethod]
    public void Select_ExistingGpuId_IsThatCudaDevice()
    {
        var device = TorchDeviceSelector.Select(1, fallbackToCpu: false, availableCudaDevices: 2);
        Assert.AreEqual(DeviceType.CUDA, device.type);
        Assert.AreEqual(1, device.index);
    }

    [TestMethod]
    public void Select_MissingGpuWithFallback_IsCpu()
    {
        Assert.AreEqual(DeviceType.CPU, TorchDeviceSelector.Select(2, fallbackToCpu: true, availableCudaDevices: 2).type);
        Assert.AreEqual(DeviceType.CPU, TorchDeviceSelector.Select(0, fallbackToCpu: true, availableCudaDevices: 0).type);
    }

    [TestMethod]
    public void Select_MissingGpuWithoutFallback_ThrowsTypedErrorNamingTheIndex()
    {
        var error = Assert.ThrowsExactly<GpuUnavailableException>(() => TorchDeviceSelector.Select(3, fallbackToCpu: false, availableCudaDevices: 2));
        Assert.AreEqual(3, error.RequestedDeviceId);
        Assert.AreEqual(2, error.AvailableDevices);
        StringAssert.Contains(error.Message, "GPU 3");
        StringAssert.Contains(error.Message, "FallbackToCpu");
    }

    [TestMethod]
    public void Select_NegativeGpuId_Throws()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TorchDeviceSelector.Select(-1, fallbackToCpu: true, availableCudaDevices: 1));
    }

    [TestMethod]
    public void Select_GpuDemandedOnThisMachine_MatchesWhatLibtorchSees()
    {
        int devices = TorchDeviceSelector.CountCudaDevices();
        if (devices > 0)
        {
            Assert.AreEqual(DeviceType.CUDA, TorchDeviceSelector.Select(0, fallbackToCpu: false).type);
            return;
        }
        Assert.ThrowsExactly<GpuUnavailableException>(() => TorchDeviceSelector.Select(0, fallbackToCpu: false));
        Assert.AreEqual(DeviceType.CPU, TorchDeviceSelector.Select(0, fallbackToCpu: true).type);
    }
}
