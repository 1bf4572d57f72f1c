using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ChiSo.Data;

/// <summary>Database time spent by the current request, for its Server-Timing header: the web host starts a tally per
/// request (<see cref="Begin"/>) and every command EF Core runs in that flow adds its duration. Outside a request (CLI,
/// scheduled work) there is no tally and nothing is counted.</summary>
public sealed class QueryTimings : DbCommandInterceptor
{
    public static readonly QueryTimings Instance = new();
    static readonly AsyncLocal<Tally?> Current = new();

    /// <summary>The time and count of the commands run so far in one request; several may run at once (parallel queries).</summary>
    public sealed class Tally
    {
        long ticks;
        int count;
        public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref ticks));
        public int Count => Volatile.Read(ref count);
        internal void Add(TimeSpan duration)
        {
            Interlocked.Add(ref ticks, duration.Ticks);
            Interlocked.Increment(ref count);
        }
    }

    public static Tally Begin() => Current.Value = new Tally();

    static void Count(CommandEndEventData data) => Current.Value?.Add(data.Duration);

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Count(eventData);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Count(eventData);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Count(eventData);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Count(eventData);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        Count(eventData);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Count(eventData);
        return ValueTask.FromResult(result);
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Count(eventData);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Count(eventData);
        return Task.CompletedTask;
    }
}
