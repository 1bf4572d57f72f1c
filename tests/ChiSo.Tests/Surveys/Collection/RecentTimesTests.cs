using ChiSo.Features.Surveys;

namespace ChiSo.Tests.Surveys.Collection;

/// <summary>The usual time of a group for the speeder rule: a median of the latest timed answers.</summary>
public class RecentTimesTests
{
    [Fact]
    public void No_median_until_twenty_then_the_middle_of_an_odd_count_and_the_mean_of_the_two_middles_of_an_even_one()
    {
        var times = new RecentTimes(Enumerable.Range(1, 19).Reverse());
        Assert.Null(times.Median);
        times.Add(100);                                   // 1 … 19 and 100
        Assert.Equal((10 + 11) / 2.0, times.Median);
        // Worked out again every 32 answers, not on each: 31 more leave it as it was, the 32nd moves it.
        for (var i = 0; i < 31; i++) times.Add(1000);
        Assert.Equal(10.5, times.Median);
        times.Add(1000);                                  // 52 values: the 26th and 27th are 1,000
        Assert.Equal(1000, times.Median);
    }

    [Fact]
    public void Only_the_latest_thousand_and_one_count_the_oldest_fall_out()
    {
        // Newest first, as the database read gives them: 1,001 fast answers of 10 s, and older slow ones that do not fit.
        var times = new RecentTimes(Enumerable.Repeat(10, RecentTimes.Kept).Concat(Enumerable.Repeat(900, 500)));
        Assert.Equal(10, times.Median);
        for (var i = 0; i < 16 * 32; i++) times.Add(600);   // 512 of 600 s push out the oldest 512 of 10 s
        Assert.Equal(600, times.Median);
    }
}
