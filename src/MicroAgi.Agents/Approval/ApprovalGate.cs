using System.Collections.Concurrent;

namespace MicroAgi.Agents.Approval;

/// <summary>
/// Decides whether a change may go ahead: the mode may let it through, an earlier "always" may cover
/// it, otherwise the user is asked — and where nobody can be asked (<c>-p</c>, piped input), it is
/// refused with a message saying how to allow it. One gate per session; subagents share it.
/// </summary>
public sealed class ApprovalGate
{
    private readonly IApprovalPrompt? _prompt;
    private readonly StandingApprovals? _standing;
    private readonly ConcurrentDictionary<string, bool> _session = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _oneQuestionAtATime = new(1, 1);

    public ApprovalGate(ApprovalMode mode, IApprovalPrompt? prompt = null, StandingApprovals? standing = null)
    {
        Mode = mode;
        _prompt = prompt;
        _standing = standing;
    }

    /// <summary>A gate that lets everything through (the user's own <c>microagi tools call</c>, tests).</summary>
    public static ApprovalGate AllowAll { get; } = new(ApprovalMode.FullAuto);

    public ApprovalMode Mode { get; }

    /// <returns>Null when the change may go ahead; otherwise why not, for the model to read.</returns>
    public async Task<string?> CheckAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Allows(request.Kind)) return null;
        if (_session.ContainsKey(request.StandingKey) || _standing?.Covers(request.StandingKey) == true) return null;
        if (_prompt is null)
        {
            var mode = request.Kind == ApprovalKind.Command ? "full-auto" : "auto-edit or full-auto";
            return $"{request.Summary} needs the user's approval and nobody can be asked in this run; the user can allow it with --approval {mode} (or tools.approval in microagi.yaml, or approval in the profile's config.json)";
        }
        await _oneQuestionAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another call may have been answered "always" while this one waited its turn.
            if (_session.ContainsKey(request.StandingKey)) return null;
            var answer = await _prompt.AskAsync(request, cancellationToken).ConfigureAwait(false);
            switch (answer)
            {
                case ApprovalAnswer.AlwaysThisWorkspace:
                    _standing?.Add(request.StandingKey);
                    _session[request.StandingKey] = true;
                    return null;
                case ApprovalAnswer.AlwaysThisSession:
                    _session[request.StandingKey] = true;
                    return null;
                case ApprovalAnswer.Yes:
                    // A generated tool asks before its first run only: once run, the same code is not asked about again this session.
                    if (request.Kind == ApprovalKind.GeneratedTool) _session[request.StandingKey] = true;
                    return null;
                default:
                    return $"the user declined: {request.Summary}; do not retry it unchanged — ask the user what to do instead";
            }
        }
        finally
        {
            _oneQuestionAtATime.Release();
        }
    }

    /// <summary>Whether the mode lets this kind of change through without asking.</summary>
    private bool Allows(ApprovalKind kind) => Mode switch
    {
        ApprovalMode.FullAuto => true,
        ApprovalMode.AutoEdit => kind is ApprovalKind.FileChange or ApprovalKind.GeneratedTool,
        _ => false,
    };
}
