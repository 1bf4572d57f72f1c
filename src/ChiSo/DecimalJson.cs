using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChiSo;

/// <summary>Writes a score as published, without the scale a database or arithmetic adds: 80, not 80.0;
/// 43.9603, not 43.96030.</summary>
public sealed class DecimalJson : JsonConverter<decimal>
{
    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDecimal();

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value / 1.000000000000000000000000000000000m);
}
