namespace ChiSo.Web.Components.Shared;

/// <summary>Round axis ticks for the charts.</summary>
public static class ChartScale
{
    /// <summary>A step of 1, 2, 2.5 or 5 times a power of ten that cuts <paramref name="span"/> into about four parts.</summary>
    public static decimal Step(decimal span)
    {
        if (span <= 0) return 1;
        var raw = (double)span / 4;
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var unit = raw / power;
        var nice = unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 2.5 ? 2.5 : unit <= 5 ? 5 : 10;
        return (decimal)(nice * power);
    }

    /// <summary>The value axis of a line: round ends around the figures, never narrower than a tenth of the scale's
    /// maximum (or of the figures' size), so that 43.9 → 43.7 on PAPI's 80 points reads as the small change it is; never
    /// below zero, never above the maximum.</summary>
    public static (decimal Lo, decimal Hi, List<decimal> Ticks) Axis(decimal min, decimal max, decimal? scaleMax)
    {
        var least = (scaleMax ?? Math.Max(Math.Abs(max), 1)) / 10;
        if (max - min < least)
        {
            var middle = (max + min) / 2;
            min = middle - least / 2;
            max = middle + least / 2;
        }
        var step = Step(max - min);
        var lo = Math.Floor(min / step) * step;
        var hi = Math.Ceiling(max / step) * step;
        if (lo < 0 && min >= 0) { hi -= lo; lo = 0; }
        if (scaleMax is { } top && hi > top && max <= top) { lo -= hi - top; hi = top; if (lo < 0) lo = 0; }
        var ticks = new List<decimal>();
        for (var t = lo; t <= hi + step / 1000; t += step) ticks.Add(t);
        return (lo, hi, ticks);
    }

    /// <summary>The ticks of a bar axis from zero to at least <paramref name="max"/>.</summary>
    public static (decimal Hi, List<decimal> Ticks) FromZero(decimal max)
    {
        var step = Step(max <= 0 ? 1 : max);
        var hi = Math.Max(step, Math.Ceiling(max / step) * step);
        var ticks = new List<decimal>();
        for (var t = 0m; t <= hi + step / 1000; t += step) ticks.Add(t);
        return (hi, ticks);
    }
}
