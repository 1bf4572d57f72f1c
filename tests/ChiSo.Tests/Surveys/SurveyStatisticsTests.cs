using ChiSo.Features.Surveys;

namespace ChiSo.Tests.Surveys;

public sealed class SurveyStatisticsTests
{
    [Theory]
    [InlineData(1_000, 286)]     // 1000 / (1 + 1000·0.0025) = 285.71 → 286
    [InlineData(10_000, 385)]    // 10000 / 26 = 384.6 → 385
    [InlineData(100, 80)]        // 100 / 1.25 = 80 exactly
    [InlineData(0, 0)]
    public void Sample_size_follows_the_ministry_formula(int population, int expected) =>
        Assert.Equal(expected, SurveyStatistics.SampleSize(population));

    [Fact]
    public void Mean_has_the_sample_deviation_and_a_95_percent_margin()
    {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5; squared deviations add to 32; s = √(32/7) = 2.138; margin = 1.96·s/√8.
        var e = SurveyStatistics.Mean([2, 4, 4, 4, 5, 5, 7, 9], planned: 10);
        Assert.Equal(8, e.N);
        Assert.Equal(5, e.Mean, 10);
        Assert.Equal(Math.Sqrt(32.0 / 7), e.StandardDeviation, 10);
        Assert.Equal(1.959963984540054 * Math.Sqrt(32.0 / 7) / Math.Sqrt(8), e.MarginOfError, 10);
        Assert.True(e.BelowPlan);
        Assert.Equal(e.Mean - e.MarginOfError, e.Low, 10);
    }

    [Fact]
    public void Percent_satisfied_counts_the_top_two_levels()
    {
        // Levels 1..5; 4 and 5 are "satisfied"/"very satisfied": 6 of 10 → 60 %, margin 1.96·√(0.6·0.4/10)·100.
        var e = SurveyStatistics.PercentSatisfied([5, 4, 4, 3, 2, 5, 5, 1, 4, 3]);
        Assert.Equal(10, e.N);
        Assert.Equal(60, e.Mean, 10);
        Assert.Equal(1.959963984540054 * Math.Sqrt(0.24 / 10) * 100, e.MarginOfError, 10);
        Assert.False(e.BelowPlan);
    }

    [Fact]
    public void Points_are_max_times_mean_over_the_top_value()
    {
        Assert.Equal(0.8m, SurveyStatistics.PointsFromMean(1m, 4, 5));
        Assert.Equal(1.1m, SurveyStatistics.PointsFromMean(1.5m, 3.6666666667, 5));
        Assert.Equal(0m, SurveyStatistics.PointsFromMean(1m, double.NaN, 5));
    }

    [Fact]
    public void Groups_are_weighted()
    {
        // (0.8·2 + 0.5·1) / 3 = 0.7
        Assert.Equal(0.7m, SurveyStatistics.Weighted([(0.8m, 2m), (0.5m, 1m)]));
        Assert.Throws<ArgumentException>(() => SurveyStatistics.Weighted([(0.8m, 0m)]));
    }

    [Fact]
    public void No_answers_give_no_figure_rather_than_zero()
    {
        var e = SurveyStatistics.Mean([], planned: 5);
        Assert.Equal(0, e.N);
        Assert.True(double.IsNaN(e.Mean));
        Assert.True(e.BelowPlan);
    }
}
