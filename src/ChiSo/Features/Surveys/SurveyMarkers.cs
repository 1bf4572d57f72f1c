using System.Security.Cryptography;
using System.Text;
using ChiSo.Data;

namespace ChiSo.Features.Surveys;

/// <summary>What the database keeps of a one-time token or a dossier code: HMAC-SHA256 under a key derived from the server
/// secret, of "{round}:{value}". Dossier codes have a known format and a sequence number, so a plain hash of them is found by
/// trying every code; without the secret, a marker matches nothing one can compute (docs/decisions/0014).
/// <para>The <c>Legacy</c> forms are the plain SHA-256 that versions before 0014 stored; they are checked only against rows
/// flagged legacy by the migration, while the round that has them takes answers.</para></summary>
public sealed class SurveyMarkers(ServerSecret secret)
{
    readonly byte[] key = secret.Key("survey-markers");

    public Marker Token(int roundId, string token) => new(Mark(roundId, token.Trim()), LegacyToken(token));

    /// <summary>Dossier codes are compared without case ("h26" and "H26" are one dossier).</summary>
    public Marker Dossier(int roundId, string dossier) => new(Mark(roundId, dossier.Trim().ToUpperInvariant()), LegacyDossier(roundId, dossier));

    string Mark(int roundId, string value) => Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{roundId}:{value}")));

    static string LegacyToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token.Trim())));

    static string LegacyDossier(int roundId, string dossier) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{roundId}:{dossier.Trim().ToUpperInvariant()}")));
}

/// <summary>A token's or dossier's marker (<see cref="Keyed"/>, what new rows store) and the plain hash an older version
/// stored (<see cref="Legacy"/>, matched only against rows flagged legacy).</summary>
public readonly record struct Marker(string Keyed, string Legacy);
