using Microsoft.ML.MissingModality.Datasets.Synthetic;

namespace Microsoft.ML.MissingModality.Tests.Datasets.Synthetic;

[TestClass]
public sealed class MusicAvqaVocabularyTests
{
    [TestMethod]
    public void Answers_Always_Has42DistinctClassesWith22Instruments()
    {
        Assert.HasCount(42, MusicAvqaVocabulary.Answers);
        Assert.HasCount(42, MusicAvqaVocabulary.Answers.Distinct());
        Assert.HasCount(22, MusicAvqaVocabulary.Instruments);
        Assert.AreEqual(0, MusicAvqaVocabulary.IndexOf("accordion"));
        Assert.AreEqual(-1, MusicAvqaVocabulary.IndexOf("kazoo"));
    }

    [TestMethod]
    public void CountWord_AboveTen_IsMoreThanTen()
    {
        Assert.AreEqual("zero", MusicAvqaVocabulary.CountWord(0));
        Assert.AreEqual("ten", MusicAvqaVocabulary.CountWord(10));
        Assert.AreEqual("more than ten", MusicAvqaVocabulary.CountWord(11));
        Assert.AreEqual("more than ten", MusicAvqaVocabulary.CountWord(40));
    }

    [TestMethod]
    public void Answers_RealValidationSplit_AreAllInTheVocabulary()
    {
        var real = RealSplit.Records().Select(r => r.Answer).Distinct().ToList();
        CollectionAssert.IsSubsetOf(real, MusicAvqaVocabulary.Answers.ToList());
        Assert.HasCount(41, real);
    }
}
