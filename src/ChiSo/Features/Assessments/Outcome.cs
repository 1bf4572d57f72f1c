using Microsoft.AspNetCore.Http;

namespace ChiSo.Features.Assessments;

/// <summary>Why an assessment action did not happen. A refusal by rule (who may) is not one of these: the service throws
/// <see cref="Accounts.AccessDenied"/> for it, as every feature does.</summary>
public enum FailureKind { NotFound, Invalid, Refused, Conflict }

/// <summary>Why an assessment action wrote nothing, in Vietnamese. <see cref="FailureKind.Refused"/>: the action
/// does not fit where the assessment stands (submitted, past the deadline, published ...).
/// <see cref="FailureKind.Conflict"/>: someone else saved first; <see cref="Current"/> is what they saved, so the
/// loser's input can be compared with it, not lost.</summary>
public sealed record Failure(FailureKind Kind, string Message, Dictionary<string, string[]>? Errors = null, object? Current = null)
{
    public static Failure NotFound(string what) => new(FailureKind.NotFound, $"Không tìm thấy {what}.");
    public static Failure Refused(string why) => new(FailureKind.Refused, why);
    public static Failure Conflict(string why, object? current) => new(FailureKind.Conflict, why, null, current);
    public static Failure Invalid(string field, string message) => Invalid(new() { [field] = [message] });
    public static Failure Invalid(Dictionary<string, string[]> errors) =>
        new(FailureKind.Invalid, string.Join(" ", errors.SelectMany(e => e.Value)), errors);
}

/// <summary>A value, or the failure that stopped the action.</summary>
public sealed class Outcome<T>
{
    readonly T? value;
    public Failure? Failure { get; }
    Outcome(T? value, Failure? failure) { this.value = value; Failure = failure; }

    public static implicit operator Outcome<T>(T value) => new(value, null);
    public static implicit operator Outcome<T>(Failure failure) => new(default, failure);

    public bool Ok => Failure is null;
    public T Value => Ok ? value! : throw new InvalidOperationException(Failure!.Message);
    public string? Error => Failure?.Message;

    /// <summary>The HTTP answer: 200 with the value, or problem+json: 404, 403, 400 (validation), 409.</summary>
    public IResult ToHttp() => Failure switch
    {
        null => TypedResults.Ok(value),
        { Kind: FailureKind.NotFound } f => TypedResults.Problem(statusCode: 404, title: f.Message),
        { Kind: FailureKind.Invalid } f => TypedResults.ValidationProblem(f.Errors!, title: "Dữ liệu không hợp lệ, không có gì được ghi.", detail: f.Message),
        { Kind: FailureKind.Refused } f => TypedResults.Problem(statusCode: 409, title: "Không thực hiện được", detail: f.Message),
        var f => TypedResults.Problem(statusCode: 409, title: "Đã có người khác lưu trước", detail: f.Message,
            extensions: new Dictionary<string, object?> { ["current"] = f.Current }),
    };
}
