using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChiSo;

/// <summary>Every string the API and the CLI read from JSON as <see cref="ViText.Normal"/> keeps it (NFC, no NUL), property
/// names included.</summary>
public sealed class NfcJson : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ViText.Normal(reader.GetString());

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ViText.Normal(reader.GetString()!);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);
}
