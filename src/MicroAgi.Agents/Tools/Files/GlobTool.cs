using System.Text.Json.Nodes;
using MAB.DotIgnore;
using Microsoft.Extensions.FileSystemGlobbing;
using GlobMatcher = Microsoft.Extensions.FileSystemGlobbing.Matcher;
using MicroAgi.Functions;

namespace MicroAgi.Agents.Tools.Files;

/// <summary>
/// <c>glob {pattern, path?, limit?}</c>: files under <c>path</c> (the workspace by default) matching a
/// pattern such as <c>**/*.cs</c>, newest first, 100 by default and at most 1,000. Files that
/// <c>.gitignore</c> excludes (at any level) and the <c>.git</c> directory are skipped; symbolic links to
/// directories are not followed, so the walk never leaves the workspace.
/// </summary>
internal sealed class GlobTool(WorkspaceRoot workspace)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Files looked at before the walk stops, so a huge tree cannot stall the turn.</summary>
    private const int MaxFilesWalked = 200_000;

    public Task<FunctionResult> InvokeAsync(NativeFunctionCall call, CancellationToken cancellationToken) =>
        Task.FromResult(Glob(call.Arguments, cancellationToken));

    private FunctionResult Glob(JsonNode? arguments, CancellationToken cancellationToken)
    {
        if (!ToolResults.TryOptionalString(arguments, "pattern", out var pattern, out var error)
            || !ToolResults.TryOptionalString(arguments, "path", out var path, out error)
            || !ToolResults.TryOptionalInteger(arguments, "limit", 1, MaxLimit, out var limit, out error))
            return ToolResults.Error(error!);
        if (string.IsNullOrWhiteSpace(pattern)) return ToolResults.Error("'pattern' is required, e.g. **/*.cs or src/*.json");
        if (pattern.StartsWith('/') || pattern.Split('/').Contains("..")) return ToolResults.Error("the pattern must be relative and stay below 'path' (no leading / and no ..); set 'path' to search elsewhere in the workspace");
        if (!workspace.TryResolve(string.IsNullOrEmpty(path) ? "." : path, out var directory, out error)) return ToolResults.Error(error);
        if (!Directory.Exists(directory)) return ToolResults.Error($"{workspace.Relative(directory)} is not a directory");

        var matcher = new GlobMatcher(StringComparison.Ordinal);
        matcher.AddInclude(pattern);
        var walk = new IgnoreAwareWalk(workspace.FullPath, MaxFilesWalked);
        var candidates = walk.Files(directory, cancellationToken).ToList();
        var relative = candidates.Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/')).ToList();
        var matched = matcher.Match(relative).Files.Select(m => Path.Combine(directory, m.Path)).ToList();

        var newest = matched
            .Select(f => (Path: f, Time: File.GetLastWriteTimeUtc(f)))
            .OrderByDescending(f => f.Time)
            .ThenBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
        var shown = newest.Take(limit ?? DefaultLimit).Select(f => (JsonNode)JsonValue.Create(workspace.Relative(f.Path))!).ToArray();
        var result = new JsonObject
        {
            ["files"] = new JsonArray(shown),
            ["count"] = shown.Length,
            ["total"] = newest.Count,
        };
        if (newest.Count > shown.Length) result["note"] = $"{newest.Count - shown.Length} more matches not shown; narrow the pattern or raise limit (at most {MaxLimit})";
        if (walk.Stopped) result["warning"] = $"stopped after {MaxFilesWalked} files; narrow 'path'";
        return ToolResults.Ok(result);
    }

    /// <summary>A walk of real directories below the workspace, leaving out what .gitignore files exclude.</summary>
    private sealed class IgnoreAwareWalk(string root, int maxFiles)
    {
        private int _seen;

        public bool Stopped { get; private set; }

        public IEnumerable<string> Files(string start, CancellationToken cancellationToken)
        {
            // The .gitignore files between the root and the start directory apply too.
            var rules = new List<(string Base, IgnoreList List)>();
            for (var dir = root; ; )
            {
                AddRules(rules, dir);
                if (dir == start) break;
                var next = Path.GetRelativePath(dir, start).Split('/')[0];
                dir = Path.Combine(dir, next);
            }
            return Walk(start, rules, cancellationToken);
        }

        private IEnumerable<string> Walk(string directory, List<(string Base, IgnoreList List)> rules, CancellationToken cancellationToken)
        {
            IEnumerable<FileSystemInfo> children;
            try
            {
                children = new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                yield break;
            }
            foreach (var child in children)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Stopped) yield break;
                var isDirectory = child is DirectoryInfo;
                if (isDirectory && child.Name == ".git") continue;
                if (Ignored(rules, child.FullName, isDirectory)) continue;
                if (child.LinkTarget is not null)
                {
                    // A link is listed when it is a file link that stays inside; linked directories are not entered.
                    if (!isDirectory && File.Exists(child.FullName) && IsInside(child.FullName)) yield return child.FullName;
                    continue;
                }
                if (isDirectory)
                {
                    var count = rules.Count;
                    AddRules(rules, child.FullName);
                    foreach (var file in Walk(child.FullName, rules, cancellationToken)) yield return file;
                    rules.RemoveRange(count, rules.Count - count);
                    continue;
                }
                if (++_seen > maxFiles)
                {
                    Stopped = true;
                    yield break;
                }
                yield return child.FullName;
            }
        }

        private bool IsInside(string link)
        {
            var target = new FileInfo(link).ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            return target is not null && (target == root || target.StartsWith(root + "/", StringComparison.Ordinal));
        }

        private static void AddRules(List<(string Base, IgnoreList List)> rules, string directory)
        {
            var file = Path.Combine(directory, ".gitignore");
            if (!File.Exists(file)) return;
            try
            {
                rules.Add((directory, new IgnoreList(File.ReadAllLines(file))));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // An unreadable .gitignore excludes nothing, as in git.
            }
        }

        private static bool Ignored(List<(string Base, IgnoreList List)> rules, string fullPath, bool isDirectory) =>
            rules.Any(r => r.List.IsIgnored(Path.GetRelativePath(r.Base, fullPath).Replace('\\', '/'), isDirectory));
    }
}
