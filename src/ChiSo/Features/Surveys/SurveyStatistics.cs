namespace ChiSo.Features.Surveys;

/// <summary>A figure computed from answers, always with what it rests on: n, mean, the 95 % confidence
/// interval and its margin of error, and whether n reaches the sample plan.</summary>
public sealed record Estimate(int N, double Mean, double StandardDeviation, double MarginOfError, int? Planned)
{
    public double Low => Mean - MarginOfError;
    public double High => Mean + MarginOfError;
    /// <summary>True when fewer answers came in than the sample plan asked for: the figure is shown with a warning.</summary>
    public bool BelowPlan => Planned is { } p && N < p;
}

/// <summary>The statistics of the sociological and SIPAS surveys. Pure arithmetic, no I/O, so that every figure
/// can be checked by hand.</summary>
public static class SurveyStatistics
{
    /// <summary>z for a two-sided 95 % interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>The ministry's sample size for a population of <paramref name="population"/>: n = N / (1 + N·e²),
    /// rounded up (e = 5 % by default).</summary>
    public static int SampleSize(int population, double margin = 0.05)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(population);
        if (margin is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(margin), "Sai số phải nằm giữa 0 và 1.");
        return (int)Math.Ceiling(population / (1 + population * margin * margin) - 1e-9);
    }

    /// <summary>Mean of numeric answers with the 95 % interval (t ≈ z; the surveys' groups are large enough),
    /// using the sample standard deviation.</summary>
    public static Estimate Mean(IReadOnlyCollection<double> values, int? planned = null)
    {
        var n = values.Count;
        if (n == 0) return new Estimate(0, double.NaN, double.NaN, double.NaN, planned);
        var mean = values.Average();
        var sd = n > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1)) : 0;
        return new Estimate(n, mean, sd, n > 1 ? Z95 * sd / Math.Sqrt(n) : double.NaN, planned);
    }

    /// <summary>A share (0–1) of answers meeting a condition, with the normal-approximation 95 % interval.</summary>
    public static Estimate Share(int hits, int n, int? planned = null)
    {
        if (hits < 0 || hits > n) throw new ArgumentOutOfRangeException(nameof(hits));
        if (n == 0) return new Estimate(0, double.NaN, double.NaN, double.NaN, planned);
        var p = (double)hits / n;
        var sd = Math.Sqrt(p * (1 - p));
        return new Estimate(n, p, sd, Z95 * Math.Sqrt(p * (1 - p) / n), planned);
    }

    /// <summary>A figure pooled from several answers per respondent (12 people answering 28 questions give 336 answers):
    /// the answers of one person are not independent, so the interval is taken over the respondents — the margin of the
    /// answers widened by √(answers ÷ respondents), as if each person's answers moved together (the cautious bound; the
    /// tally keeps sums, not each person's answers). A figure of one answer per respondent is unchanged.</summary>
    public static Estimate OverRespondents(Estimate e, int respondents) =>
        respondents > 0 && respondents < e.N && !double.IsNaN(e.MarginOfError)
            ? e with { MarginOfError = e.MarginOfError * Math.Sqrt((double)e.N / respondents) }
            : e;

    /// <summary>SIPAS: the percentage of answers that are "satisfied" or "very satisfied" (the top two levels of a
    /// five-level scale by default).</summary>
    public static Estimate PercentSatisfied(IReadOnlyCollection<int> answers, int topLevels = 2, int scaleTop = 5, int? planned = null)
    {
        var share = Share(answers.Count(a => a > scaleTop - topLevels), answers.Count, planned);
        return share with { Mean = share.Mean * 100, StandardDeviation = share.StandardDeviation * 100, MarginOfError = share.MarginOfError * 100 };
    }

    /// <summary>Criterion points from a mean answer: max × mean ÷ top answer value (the default rule of the
    /// method decisions; each framework version may set another).</summary>
    public static decimal PointsFromMean(decimal max, double mean, double topValue)
    {
        if (topValue <= 0) throw new ArgumentOutOfRangeException(nameof(topValue));
        if (double.IsNaN(mean)) return 0;
        return Math.Round(max * (decimal)(mean / topValue), 4, MidpointRounding.AwayFromZero);
    }

    /// <summary>Points of a criterion surveyed in several respondent groups: the groups' points weighted by
    /// their weights (weights need not add up to 1).</summary>
    public static decimal Weighted(IReadOnlyCollection<(decimal Points, decimal Weight)> groups)
    {
        var total = groups.Sum(g => g.Weight);
        if (total <= 0) throw new ArgumentException("Tổng trọng số phải lớn hơn 0.", nameof(groups));
        return Math.Round(groups.Sum(g => g.Points * g.Weight) / total, 4, MidpointRounding.AwayFromZero);
    }
}
