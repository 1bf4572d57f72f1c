using ChiSo.Features.Accounts;
using ChiSo.Features.Assessments;
using ChiSo.Web.Components.Shared;

namespace ChiSo.Web.Components.Assessments;

/// <summary>A back-office assessment page: acts through <see cref="AssessmentService"/> as the signed-in user. Each call
/// gets its own scope, because a circuit outlives a DbContext; who may see and do what is the service's decision.</summary>
public abstract class AssessmentComponent : DataComponent
{
    protected Task<T> Run<T>(Func<AssessmentService, Task<T>> work) =>
        Query((_, sp) => work(sp.GetRequiredService<AssessmentService>()));

    /// <summary>"1,5" from a decimal: the reader's format for a score.</summary>
    protected static string Num(decimal? v) => L.Num(v);
}
