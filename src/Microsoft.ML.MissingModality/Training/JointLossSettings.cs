namespace Microsoft.ML.MissingModality.Training;

/// <summary>
/// How the terms of L_total = L_avqa + λ1 L_rmmr + λ2 L_ave are combined: the two weights, which networks the answer
/// loss reaches, and the learning rates of the generator and the diffusion as multiples of the answerer's.
/// </summary>
internal sealed record JointLossSettings(
    double RecallLossWeight = 1,
    double DiffusionLossWeight = 1,
    bool AnswerLossReachesRecall = true,
    bool AnswerLossReachesDiffusion = true,
    double RecallLearningRateFactor = 1,
    double DiffusionLearningRateFactor = 1);
