namespace Microsoft.ML.MissingModality.Tests.Samples;

[TestClass]
public sealed class QuickStartSampleTests
{
    [TestMethod]
    public void Run_EndToEnd_TrainsEvaluatesSavesAndAnswers()
    {
        string output = TestPaths.NewTempDirectory();
        try
        {
            var log = new StringWriter();
            QuickStart.QuickStartSample.Run(output, log);
            string text = log.ToString();
            StringAssert.Contains(text, "epoch 20/20");
            StringAssert.Contains(text, "| complete |");
            StringAssert.Contains(text, "| audio missing |");
            StringAssert.Contains(text, "Q: ");
            Assert.IsTrue(File.Exists(Path.Combine(output, "avqa.zip")));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
