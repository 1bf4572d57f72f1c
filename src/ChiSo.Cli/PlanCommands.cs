using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChiSo;
using ChiSo.Features.Plans;

// In the global namespace, like the top-level Program, so Program.cs adds the verbs without a using.

/// <summary>CLI verbs for improvement plans.</summary>
public static class PlanCommands
{
    static readonly JsonSerializerOptions Json = new()
    {
        // Vietnamese stays readable instead of \u escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void Add(RootCommand root)
    {
        var text = new Argument<string>("text") { Description = "Tiến độ như kế hoạch ghi, ví dụ \"Quý II/2024\"" };
        var planYear = new Option<int>("--plan-year") { Description = "Năm của kế hoạch (dùng khi tiến độ không ghi năm)", Required = true };
        var json = new Option<bool>("--json") { Description = "In JSON" };
        var deadline = new Command("deadline", "Đọc một tiến độ hoàn thành: hạn, khoảng thời gian, định kỳ, thường xuyên hay theo sự kiện.")
        {
            text, planYear, json,
        };
        deadline.SetAction(p =>
        {
            var year = p.GetValue(planYear);
            if (year is < 1000 or > 2999)
            {
                Console.Error.WriteLine($"Năm kế hoạch không hợp lệ: {year}.");
                return 2;
            }
            var d = Deadline.Parse(p.GetValue(text), year);
            Console.WriteLine(p.GetValue(json)
                ? JsonSerializer.Serialize(new
                {
                    text = d.Text, kind = d.Kind, start = d.Start, due = d.Due,
                    recurrence = d.Recurrence, tentative = d.Tentative, @event = d.Event,
                }, Json)
                : d.Describe(ViText.Vi));
            return 0;
        });
        root.Subcommands.Add(deadline);
    }
}
