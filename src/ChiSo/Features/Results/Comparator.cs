namespace ChiSo.Features.Results;

/// <summary>How a target is stated: "&gt; 92.00", "≥ 85 %".</summary>
public enum Comparator { AtLeast, MoreThan, Equal, AtMost, LessThan }

public static class Comparators
{
    public static string Symbol(this Comparator c) => c switch
    {
        Comparator.AtLeast => "≥",
        Comparator.MoreThan => ">",
        Comparator.Equal => "=",
        Comparator.AtMost => "≤",
        Comparator.LessThan => "<",
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };

    public static Comparator? Parse(string? symbol) => symbol?.Trim() switch
    {
        "≥" or ">=" => Comparator.AtLeast,
        ">" => Comparator.MoreThan,
        "=" or "" => Comparator.Equal,
        "≤" or "<=" => Comparator.AtMost,
        "<" => Comparator.LessThan,
        _ => null,
    };

    public static bool IsMet(this Comparator c, decimal value, decimal threshold) => c switch
    {
        Comparator.AtLeast => value >= threshold,
        Comparator.MoreThan => value > threshold,
        Comparator.Equal => value == threshold,
        Comparator.AtMost => value <= threshold,
        Comparator.LessThan => value < threshold,
        _ => false,
    };
}
