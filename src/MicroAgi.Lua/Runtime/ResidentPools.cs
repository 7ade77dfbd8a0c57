namespace MicroAgi.Lua.Runtime;

/// <summary>
/// Bounds how many tools keep prepared Lua states. When one more tool wants to keep states than the
/// bound allows, the states of another are released — the least recently used of a few sampled at
/// random, not the least recently used of all: strict LRU evicts exactly the tool that is needed next
/// when tools are used in rotation (257 tools over 256 places would miss on every call), while the
/// sampled choice keeps most of them and lets throughput fall gradually as the rotation grows. Hot
/// tools still survive: a sample rarely holds only recently used tools.
/// </summary>
internal sealed class ResidentPools(int capacity)
{
    private const int Sample = 8;

    private readonly List<ToolPool> _pools = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate) return _pools.Count;
        }
    }

    /// <summary>Counts <paramref name="pool"/> as keeping states; releases others' states when over capacity.</summary>
    public void Admit(ToolPool pool)
    {
        List<ToolPool>? released = null;
        lock (_gate)
        {
            if (pool.ResidentSlot < 0 && !pool.IsEvicted) Add(pool);
            while (_pools.Count > capacity)
            {
                var victim = OldestOfSample(except: pool);
                Remove(victim);
                (released ??= []).Add(victim);
            }
        }
        // Closing states takes a while; done outside the lock.
        if (released is not null)
            foreach (var victim in released) victim.ReleaseStates();
    }

    /// <summary>Stops counting <paramref name="pool"/> (it is being evicted altogether).</summary>
    public void Forget(ToolPool pool)
    {
        lock (_gate)
        {
            if (pool.ResidentSlot >= 0) Remove(pool);
        }
    }

    private void Add(ToolPool pool)
    {
        pool.ResidentSlot = _pools.Count;
        _pools.Add(pool);
    }

    private void Remove(ToolPool pool)
    {
        var slot = pool.ResidentSlot;
        var last = _pools[^1];
        _pools[slot] = last;
        last.ResidentSlot = slot;
        _pools.RemoveAt(_pools.Count - 1);
        pool.ResidentSlot = -1;
    }

    private ToolPool OldestOfSample(ToolPool except)
    {
        ToolPool? oldest = null;
        for (var i = 0; i < Sample; i++)
        {
            var candidate = _pools[Random.Shared.Next(_pools.Count)];
            if (ReferenceEquals(candidate, except)) continue;
            if (oldest is null || candidate.LastUsed < oldest.LastUsed) oldest = candidate;
        }
        // Only when the sample hit nothing but the newcomer (a tiny capacity): any other pool will do.
        return oldest ?? _pools.First(p => !ReferenceEquals(p, except));
    }
}
