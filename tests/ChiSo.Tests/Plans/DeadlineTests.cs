using System.Globalization;
using System.Text.Json;
using ChiSo.Features.Plans;

namespace ChiSo.Tests.Plans;

public class DeadlineTests
{
    static DateOnly? Day(string? iso) => iso is null ? null : DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Theory]
    // Every dated text of the seed plans, with the year of its plan.
    [InlineData("Tháng 6/2023", 2023, "2023-06-01", "2023-06-30")]
    [InlineData("Tháng 5/2023", 2023, "2023-05-01", "2023-05-31")]
    [InlineData("Tháng 11/2023", 2023, "2023-11-01", "2023-11-30")]
    [InlineData("Tháng 12/2023", 2023, "2023-12-01", "2023-12-31")]
    [InlineData("Tháng 5/2024", 2024, "2024-05-01", "2024-05-31")]
    [InlineData("Tháng 6/2024", 2024, "2024-06-01", "2024-06-30")]
    [InlineData("Tháng 9/2024", 2024, "2024-09-01", "2024-09-30")]
    [InlineData("Tháng 11/2024", 2024, "2024-11-01", "2024-11-30")]
    [InlineData("Tháng 12/2024", 2024, "2024-12-01", "2024-12-31")]
    [InlineData("Trong tháng 6/2022", 2022, "2022-06-01", "2022-06-30")]
    [InlineData("Trong tháng 7/2022", 2022, "2022-07-01", "2022-07-31")]
    [InlineData("Trong tháng 10/2022", 2022, "2022-10-01", "2022-10-31")]
    [InlineData("Quý II/2023", 2023, "2023-04-01", "2023-06-30")]
    [InlineData("Quý III/2023", 2023, "2023-07-01", "2023-09-30")]
    [InlineData("Quý II/2024", 2024, "2024-04-01", "2024-06-30")]
    [InlineData("Quý IV/2024", 2024, "2024-10-01", "2024-12-31")]
    [InlineData("Năm 2024", 2024, "2024-01-01", "2024-12-31")]
    [InlineData("Trong năm 2024", 2024, "2024-01-01", "2024-12-31")]
    [InlineData("Báo cáo tiến độ triển khai tại cuộc họp Ban Chỉ đạo quý II/2023", 2023, "2023-04-01", "2023-06-30")]
    // Other ways of writing the same things.
    [InlineData("tháng 6 năm 2023", 2023, "2023-06-01", "2023-06-30")]
    [InlineData("Tháng 6", 2023, "2023-06-01", "2023-06-30")]
    [InlineData("  THÁNG   6 / 2023 ", 2023, "2023-06-01", "2023-06-30")]
    [InlineData("Quý 2/2024", 2024, "2024-04-01", "2024-06-30")]
    [InlineData("quý II năm 2024", 2024, "2024-04-01", "2024-06-30")]
    [InlineData("Quí ii 2024", 2024, "2024-04-01", "2024-06-30")]
    [InlineData("Quý I", 2025, "2025-01-01", "2025-03-31")]
    [InlineData("Quy IV/2024", 2024, "2024-10-01", "2024-12-31")]
    [InlineData("2024", 2024, "2024-01-01", "2024-12-31")]
    [InlineData("30/6/2024", 2024, null, "2024-06-30")]
    // "Trước" excludes the day or month it names (decision 0021); "chậm nhất" includes it.
    [InlineData("trước ngày 15/12/2024", 2024, null, "2024-12-14")]
    [InlineData("Trước 01/3/2024", 2024, null, "2024-02-29")]
    [InlineData("Trước ngày 01/3/2024", 2024, null, "2024-02-29")]
    [InlineData("gửi về phòng Nội vụ trước ngày 01/3/2024", 2024, null, "2024-02-29")]
    [InlineData("đảm bảo hoàn thiện trước tháng 9/2024", 2024, null, "2024-08-31")]
    [InlineData("Trước tháng 9/2024", 2024, null, "2024-08-31")]
    [InlineData("Hoàn thành trong tháng 12/2023", 2023, "2023-12-01", "2023-12-31")]
    [InlineData("Chậm nhất ngày 30/6", 2024, null, "2024-06-30")]
    [InlineData("ngày 30 tháng 6 năm 2024", 2024, null, "2024-06-30")]
    [InlineData("Trước tháng 6/2024", 2024, null, "2024-05-31")]
    [InlineData("Tháng 2/2024.", 2024, "2024-02-01", "2024-02-29")]
    // Unicode tổ hợp: letters and marks typed apart.
    [InlineData("Qu\u0079\u0301 II/2024", 2024, "2024-04-01", "2024-06-30")]
    public void Reads_dates(string text, int planYear, string? start, string due)
    {
        var d = Deadline.Parse(text, planYear);

        Assert.Equal(DeadlineKind.Date, d.Kind);
        Assert.Equal(text, d.Text);
        Assert.Equal(Day(start), d.Start);
        Assert.Equal(Day(due), d.Due);
        Assert.Null(d.Recurrence);
        Assert.False(d.Tentative);
    }

    [Fact]
    public void Dự_kiến_marks_the_date_tentative()
    {
        var d = Deadline.Parse("Dự kiến Quý II/2023", 2023);

        Assert.Equal(DeadlineKind.Date, d.Kind);
        Assert.Equal(new DateOnly(2023, 4, 1), d.Start);
        Assert.Equal(new DateOnly(2023, 6, 30), d.Due);
        Assert.True(d.Tentative);
        Assert.Equal("Dự kiến Quý II/2023", d.Text);
        Assert.Equal("Hạn 30/06/2023 (dự kiến)", d.Describe(ViText.Vi));
    }

    [Theory]
    [InlineData("Từ 6/2022 đến 12/2022", 2022, "2022-06-01", "2022-12-31")]
    [InlineData("Từ 6/2022 đến 11/2022", 2022, "2022-06-01", "2022-11-30")]
    [InlineData("Từ 8/2022 đến 4/2023", 2022, "2022-08-01", "2023-04-30")]
    [InlineData("Từ tháng 6 đến tháng 12/2022", 2022, "2022-06-01", "2022-12-31")]
    [InlineData("Từ tháng 8 đến tháng 4/2023", 2022, "2022-08-01", "2023-04-30")]
    [InlineData("từ quý II đến hết quý IV/2024", 2024, "2024-04-01", "2024-12-31")]
    // Seed 000: a task spanning two years.
    [InlineData("Hoàn thành trong năm 2023 – 2024", 2023, "2023-01-01", "2024-12-31")]
    [InlineData("Giai đoạn 2023-2025", 2023, "2023-01-01", "2025-12-31")]
    public void Reads_ranges(string text, int planYear, string start, string due)
    {
        var d = Deadline.Parse(text, planYear);

        Assert.Equal(DeadlineKind.Range, d.Kind);
        Assert.Equal(Day(start), d.Start);
        Assert.Equal(Day(due), d.Due);
    }

    [Theory]
    [InlineData("Hàng tháng báo cáo UBND TP", Recurrence.Monthly)]
    [InlineData("Hằng tháng", Recurrence.Monthly)]
    [InlineData("Hằng quý", Recurrence.Quarterly)]
    [InlineData("Hằng quý báo cáo UBND TP", Recurrence.Quarterly)]
    [InlineData("Hàng quý", Recurrence.Quarterly)]
    [InlineData("Hằng Quí", Recurrence.Quarterly)]
    [InlineData("Hằng năm", Recurrence.Yearly)]
    [InlineData("Hàng năm", Recurrence.Yearly)]
    // Seed 000: "Hàng tuần ít nhất 1 tin bài"; seed 004: "ít nhất 6 tháng/lần", "ít nhất 2 lần/năm", "theo định kỳ hằng tháng, quý, năm".
    [InlineData("Hàng tuần ít nhất 1 tin bài", Recurrence.Weekly)]
    [InlineData("Định kỳ ít nhất 6 tháng/lần", Recurrence.HalfYearly)]
    [InlineData("ít nhất 2 lần/năm", Recurrence.HalfYearly)]
    [InlineData("ít nhất 01 lần trong năm", Recurrence.Yearly)]
    [InlineData("Theo định kỳ hằng tháng, quý, năm", Recurrence.Monthly)]
    [InlineData("Báo cáo Quý 1, 6 tháng, 9 tháng và năm", Recurrence.Quarterly)]
    public void Reads_recurring(string text, Recurrence every)
    {
        var d = Deadline.Parse(text, 2024);

        Assert.Equal(DeadlineKind.Recurring, d.Kind);
        Assert.Equal(every, d.Recurrence);
        Assert.Equal(new DateOnly(2024, 1, 1), d.Start);
        Assert.Null(d.Due);
    }

    [Fact]
    public void Monthly_falls_on_each_months_last_day()
    {
        var d = Deadline.Parse("Hàng tháng báo cáo UBND TP", 2024);

        var dates = d.Occurrences(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31)).ToList();

        Assert.Equal(12, dates.Count);
        Assert.Equal(new DateOnly(2024, 1, 31), dates[0]);
        Assert.Equal(new DateOnly(2024, 2, 29), dates[1]);
        Assert.Equal(new DateOnly(2024, 4, 30), dates[3]);
        Assert.Equal(new DateOnly(2024, 12, 31), dates[11]);
    }

    [Fact]
    public void Quarterly_falls_on_each_quarters_last_day()
    {
        var d = Deadline.Parse("Hằng quý", 2024);

        Assert.Equal(
            [new DateOnly(2024, 3, 31), new DateOnly(2024, 6, 30), new DateOnly(2024, 9, 30), new DateOnly(2024, 12, 31)],
            d.Occurrences(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31)));
        Assert.Equal("Hằng quý (31/03, 30/06, 30/09, 31/12)", d.Describe(ViText.Vi));
    }

    [Fact]
    public void Yearly_falls_on_31_December_from_the_plan_year_on()
    {
        var d = Deadline.Parse("Hằng năm", 2024);

        Assert.Equal(
            [new DateOnly(2024, 12, 31), new DateOnly(2025, 12, 31)],
            d.Occurrences(new DateOnly(2023, 1, 1), new DateOnly(2025, 12, 31)));
        Assert.Equal("Hằng năm (31/12)", d.Describe(ViText.Vi));
    }

    [Fact]
    public void A_named_day_moves_the_occurrences()
    {
        var yearly = Deadline.Parse("Hằng năm, ngày 15/12", 2024);
        var before = Deadline.Parse("Hằng năm, trước ngày 15/12", 2024);
        var monthly = Deadline.Parse("Ngày 20 hằng tháng", 2024);
        var beforeMonthly = Deadline.Parse("Trước ngày 31 hằng tháng", 2024);

        Assert.Equal([new DateOnly(2024, 12, 15)], yearly.Occurrences(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31)));
        Assert.Equal([new DateOnly(2024, 12, 14)], before.Occurrences(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31)));
        Assert.Equal(
            [new DateOnly(2024, 1, 20), new DateOnly(2024, 2, 20), new DateOnly(2024, 3, 20)],
            monthly.Occurrences(new DateOnly(2024, 1, 1), new DateOnly(2024, 3, 31)));
        // The day before the 31st; a month without one is due on its last day.
        Assert.Equal(
            [new DateOnly(2024, 1, 30), new DateOnly(2024, 2, 29), new DateOnly(2024, 3, 30), new DateOnly(2024, 4, 30)],
            beforeMonthly.Occurrences(new DateOnly(2024, 1, 1), new DateOnly(2024, 4, 30)));
        Assert.Equal("Hằng tháng (trước ngày 31)", beforeMonthly.Describe(ViText.Vi));
    }

    [Fact]
    public void Half_yearly_and_weekly_fall_on_their_periods_last_day()
    {
        var half = Deadline.Parse("ít nhất 2 lần/năm", 2024);
        var weekly = Deadline.Parse("Hàng tuần ít nhất 1 tin bài", 2024);

        Assert.Equal([new DateOnly(2024, 6, 30), new DateOnly(2024, 12, 31)], half.Occurrences(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31)));
        Assert.Equal("6 tháng một lần (30/06, 31/12)", half.Describe(ViText.Vi));
        // 1/1/2024 is a Monday: the first week is due on Sunday 7/1.
        Assert.Equal([new DateOnly(2024, 1, 7), new DateOnly(2024, 1, 14)], weekly.Occurrences(new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 20)));
        Assert.Equal(52, weekly.Occurrences(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31)).Count());
    }

    [Fact]
    public void A_recurring_deadline_recurs_within_its_plans_window()
    {
        // 430/KH-UBND, issued 15/6/2023, its year 2023: task 18 reports monthly from June to December 2023.
        var monthly = Deadline.Parse("Hàng tháng báo cáo UBND TP", 2023).Within(new DateOnly(2023, 6, 15), new DateOnly(2023, 12, 31));
        var dates = monthly.Occurrences(new DateOnly(2023, 1, 1), new DateOnly(2026, 12, 31)).ToList();
        Assert.Equal(new DateOnly(2023, 6, 30), dates[0]);
        Assert.Equal(new DateOnly(2023, 12, 31), dates[^1]);
        Assert.Equal(7, dates.Count);

        // A plan for 2021–2025 recurs until 2025 ends; dated deadlines are untouched.
        var yearly = Deadline.Parse("Hằng năm", 2021).Within(new DateOnly(2021, 3, 1), new DateOnly(2025, 12, 31));
        Assert.Equal(5, yearly.Occurrences(new DateOnly(2020, 1, 1), new DateOnly(2030, 12, 31)).Count());
        var dated = Deadline.Parse("Quý II/2024", 2024);
        Assert.Equal(dated, dated.Within(new DateOnly(2024, 6, 1), new DateOnly(2024, 12, 31)));
    }

    [Fact]
    public void A_dated_deadline_occurs_once()
    {
        var d = Deadline.Parse("Quý II/2024", 2024);

        Assert.Equal([new DateOnly(2024, 6, 30)], d.Occurrences(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31)));
        Assert.Empty(d.Occurrences(new DateOnly(2024, 7, 1), new DateOnly(2024, 12, 31)));
    }

    [Theory]
    [InlineData("Thường xuyên")]
    [InlineData("Thường xuyên (Nhiệm vụ theo quy chế hoạt động chuyên trang)")]
    [InlineData("thuong xuyen")]
    public void Reads_continuous(string text)
    {
        var d = Deadline.Parse(text, 2024);

        Assert.Equal(DeadlineKind.Continuous, d.Kind);
        Assert.Null(d.Due);
        Assert.Equal(text, d.Text);
        Assert.Equal("Thường xuyên", d.Describe(ViText.Vi));
    }

    [Theory]
    [InlineData("Theo quy định")]
    [InlineData("Theo quy định của pháp luật")]
    public void Theo_quy_định_is_kept_as_written_and_never_overdue(string text)
    {
        var d = Deadline.Parse(text, 2024);

        Assert.Equal(DeadlineKind.Regulated, d.Kind);
        Assert.Null(d.Due);
        Assert.Equal(text, d.Describe(ViText.Vi));
    }

    [Theory]
    [InlineData("Trước bầu cử", "bầu cử", true)]
    [InlineData("Khi có văn bản dự thảo", "có văn bản dự thảo", false)]
    [InlineData("Sau khi Phòng Thương mại và Công nghiệp Việt Nam công bố", "Phòng Thương mại và Công nghiệp Việt Nam công bố", false)]
    [InlineData("Sau khi ban hành", "ban hành", false)]
    [InlineData("Khi triển khai các dự án", "triển khai các dự án", false)]
    [InlineData("Trước và sau tuyển dụng", "tuyển dụng", false)]
    public void Reads_events(string text, string trigger, bool before)
    {
        var d = Deadline.Parse(text, 2024);

        Assert.Equal(DeadlineKind.Event, d.Kind);
        Assert.Equal(trigger, d.Event);
        Assert.Equal(before, d.BeforeEvent);
        Assert.Null(d.Due);
        Assert.Equal($"Khi có sự kiện: {trigger}", d.Describe(ViText.Vi));
    }

    [Fact]
    public void An_event_date_gives_a_due_date_30_days_later_by_default()
    {
        var d = Deadline.Parse("Sau khi Phòng Thương mại và Công nghiệp Việt Nam công bố", 2024);

        var dated = d.WithEventDate(new DateOnly(2024, 5, 7));
        var sooner = d.WithEventDate(new DateOnly(2024, 5, 7), days: 10);

        Assert.Equal(DeadlineKind.Date, dated.Kind);
        Assert.Equal(new DateOnly(2024, 6, 6), dated.Due);
        Assert.Equal(new DateOnly(2024, 5, 17), sooner.Due);
        Assert.Equal(d.Text, dated.Text);
        Assert.Equal("Hạn 06/06/2024", dated.Describe(ViText.Vi));
    }

    [Fact]
    public void A_task_before_an_event_is_due_on_the_event_day()
    {
        var d = Deadline.Parse("Trước bầu cử", 2025).WithEventDate(new DateOnly(2026, 3, 15));

        Assert.Equal(new DateOnly(2026, 3, 15), d.Due);
    }

    [Fact]
    public void Only_event_deadlines_take_an_event_date() =>
        Assert.Throws<InvalidOperationException>(() => Deadline.Parse("Quý II/2024", 2024).WithEventDate(new DateOnly(2024, 1, 1)));

    [Theory]
    [InlineData("Tháng 13/2024")]
    [InlineData("Tháng 0/2024")]
    [InlineData("Quý V/2024")]
    [InlineData("Quý 5/2024")]
    [InlineData("31/2/2024")]
    [InlineData("Từ 13/2022 đến 12/2022")]
    [InlineData("Từ 12/2023 đến 6/2023")]
    [InlineData("Trước tháng 13/2024")]
    [InlineData("3 lần/năm")]
    [InlineData("Hoàn thành trong năm 2024 – 2023")]
    [InlineData("Hằng năm, trước ngày 31/2")]
    [InlineData("Dự kiến abc")]
    [InlineData("abc")]
    [InlineData("Báo cáo quý II/2023 và quý IV/2023")]
    [InlineData("Khi")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Keeps_what_it_cannot_read(string? text)
    {
        var d = Deadline.Parse(text, 2024);

        Assert.Equal(DeadlineKind.Unparsed, d.Kind);
        Assert.Equal(text, d.Text);
        Assert.Null(d.Due);
        Assert.Null(d.Start);
        Assert.False(d.Tentative);
    }

    [Fact]
    public void Describes_in_Vietnamese()
    {
        Assert.Equal("Hạn 30/06/2024", Deadline.Parse("Quý II/2024", 2024).Describe(ViText.Vi));
        Assert.Equal("Từ 01/06/2022 đến 31/12/2022", Deadline.Parse("Từ 6/2022 đến 12/2022", 2022).Describe(ViText.Vi));
        Assert.Equal("Hằng tháng (ngày cuối tháng)", Deadline.Parse("Hằng tháng", 2024).Describe(ViText.Vi));
        Assert.Equal("Chưa hiểu được hạn này", Deadline.Parse("abc", 2024).Describe(ViText.Vi));
        Assert.Equal("Không ghi hạn", Deadline.Parse(null, 2024).Describe(ViText.Vi));
    }

    [Fact]
    public void Every_seed_deadline_is_understood()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ChiSo.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var files = Directory.GetFiles(Path.Combine(dir.FullName, "src", "ChiSo", "Data", "BuiltIn", "plans"), "*.json");
        Assert.NotEmpty(files);

        var seen = 0;
        var misread = new List<string>();
        foreach (var file in files)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var year = doc.RootElement.GetProperty("year").GetInt32();
            foreach (var text in DeadlinesIn(doc.RootElement))
            {
                seen++;
                if (Deadline.Parse(text, year).Kind == DeadlineKind.Unparsed) misread.Add($"{Path.GetFileName(file)}: {text}");
            }
        }

        Assert.True(seen > 100, $"only {seen} deadlines found in the seed plans");
        Assert.Empty(misread);
    }

    static IEnumerable<string> DeadlinesIn(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().SelectMany(p =>
            p.Name == "deadline" && p.Value.ValueKind == JsonValueKind.String ? [p.Value.GetString()!] : DeadlinesIn(p.Value)),
        JsonValueKind.Array => e.EnumerateArray().SelectMany(DeadlinesIn),
        _ => [],
    };
}
