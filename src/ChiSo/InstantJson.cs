using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChiSo;

/// <summary>An instant as the rule of <see cref="ViText.Instant"/> reads it, knowing here what was written: "2026-12-22"
/// is the end of that day in Hanoi, "2026-12-22T17:00" five in the afternoon in Hanoi, "…Z" or "…+07:00" as given.
/// Written back in UTC with its Z, so a reader never has to guess (SQLite hands the stored UTC back without a kind).</summary>
public sealed class InstantJson : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException("Ngày giờ phải là chuỗi ISO 8601, ví dụ \"2026-12-22\" hoặc \"2026-12-22T17:00+07:00\".");
        var text = reader.GetString()!;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return ViText.EndOfDay(day);
        if (!reader.TryGetDateTime(out var value))
            throw new JsonException($"\"{text}\" không phải ngày giờ ISO 8601 (\"2026-12-22\", \"2026-12-22T17:00\" hoặc \"2026-12-22T17:00+07:00\").");
        // With an offset, the offset itself: the reader's DateTime would have gone through this machine's time zone.
        if (value.Kind != DateTimeKind.Unspecified && reader.TryGetDateTimeOffset(out var given)) return given.UtcDateTime;
        return ViText.FromHanoi(value);
    }

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
