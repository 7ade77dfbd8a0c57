namespace MicroAgi.Agents.Tools.Docs;

/// <summary>A passage found by a search, with its BM25F score.</summary>
internal sealed record SearchHit(DocPassage Passage, double Score);

/// <summary>
/// BM25F over the passages of a corpus. Each passage has three fields: its body, its heading chain
/// and its page (title and path). A word in a heading or in the page's name says more about what a
/// passage is for than the same word in running text, so those fields weigh more. BM25 saturates a
/// term's weight however often it occurs, so field weights alone cannot lift a page above a long
/// example that repeats the query words; a query word that names the page (its title or file name)
/// therefore also earns a bonus outside the saturation, weighted by how few pages that word names
/// (not by how often it occurs in passages: "time" is everywhere, but only one page is about it).
/// So "current time utc" finds the time module before a guide whose example prints the current time.
/// </summary>
internal sealed class DocsIndex
{
    private const double K1 = 1.2;
    private const double B = 0.75;
    private const int PageField = 2;
    private const double PageNameBonus = 1.5;
    private static readonly double[] FieldWeights = [1.0, 3.0, 2.0];
    private static readonly string[] GenericPathWords = ["docs", "lua", "md"];

    private readonly List<IndexedPassage> _passages = [];
    private readonly Dictionary<string, int> _documentFrequency = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _pageFrequency = new(StringComparer.Ordinal);
    private readonly double[] _averageLength = new double[FieldWeights.Length];
    private readonly int _pageCount;

    public DocsIndex(IDocsCorpus corpus)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        foreach (var page in corpus.Pages)
        {
            var pageWords = SearchTokenizer.WeightedTokens(page.Title + " " + Path.ChangeExtension(page.Path, null))
                .Where(t => !GenericPathWords.Contains(t.Term)).ToList();
            _pageCount++;
            foreach (var term in pageWords.Select(t => t.Term).Distinct(StringComparer.Ordinal))
                _pageFrequency[term] = _pageFrequency.GetValueOrDefault(term) + 1;
            foreach (var passage in DocPassage.Split(page))
            {
                var indexed = new IndexedPassage(passage,
                [
                    Count(SearchTokenizer.WeightedTokens(passage.Text)),
                    Count(SearchTokenizer.WeightedTokens(passage.Heading)),
                    Count(pageWords),
                ]);
                _passages.Add(indexed);
                foreach (var term in indexed.Fields.SelectMany(f => f.Counts.Keys).Distinct(StringComparer.Ordinal))
                    _documentFrequency[term] = _documentFrequency.GetValueOrDefault(term) + 1;
            }
        }
        for (var f = 0; f < FieldWeights.Length; f++)
            _averageLength[f] = _passages.Count == 0 ? 1 : Math.Max(1, _passages.Average(p => p.Fields[f].Length));
    }

    /// <summary>
    /// The best passages for the (tokenized) <paramref name="queryTerms"/>, best first, at most <paramref name="perPage"/>
    /// from any one page so that one long page does not crowd out the rest.
    /// </summary>
    public IReadOnlyList<SearchHit> Search(IReadOnlyCollection<string> queryTerms, int maxResults, int perPage)
    {
        var terms = queryTerms.Distinct(StringComparer.Ordinal).Where(_documentFrequency.ContainsKey).ToArray();
        if (terms.Length == 0) return [];
        var scored = new List<SearchHit>();
        foreach (var passage in _passages)
        {
            var score = 0.0;
            foreach (var term in terms)
            {
                var frequency = WeightedFrequency(passage, term);
                if (frequency == 0) continue;
                score += Idf(term) * Saturate(frequency);
                if (passage.Fields[PageField].Counts.ContainsKey(term)) score += PageNameBonus * Idf(_pageCount, _pageFrequency[term]);
            }
            if (score > 0) scored.Add(new SearchHit(passage.Passage, score));
        }
        var taken = new Dictionary<string, int>(StringComparer.Ordinal);
        var hits = new List<SearchHit>(maxResults);
        foreach (var hit in scored.OrderByDescending(h => h.Score).ThenBy(h => h.Passage.Page.Path, StringComparer.Ordinal))
        {
            var count = taken.GetValueOrDefault(hit.Passage.Page.Path);
            if (count >= perPage) continue;
            taken[hit.Passage.Page.Path] = count + 1;
            hits.Add(hit);
            if (hits.Count == maxResults) break;
        }
        return hits;
    }

    private double WeightedFrequency(IndexedPassage passage, string term)
    {
        var total = 0.0;
        for (var f = 0; f < FieldWeights.Length; f++)
        {
            var field = passage.Fields[f];
            if (!field.Counts.TryGetValue(term, out var count)) continue;
            total += FieldWeights[f] * count / (1 - B + B * field.Length / _averageLength[f]);
        }
        return total;
    }

    private static double Saturate(double frequency) => frequency * (K1 + 1) / (K1 + frequency);

    private double Idf(string term) => Idf(_passages.Count, _documentFrequency[term]);

    private static double Idf(int total, int containing) => Math.Log(1 + (total - containing + 0.5) / (containing + 0.5));

    private static IndexedField Count(List<(string Term, double Weight)> tokens)
    {
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (term, weight) in tokens) counts[term] = counts.GetValueOrDefault(term) + weight;
        return new IndexedField(counts, tokens.Sum(t => t.Weight));
    }

    private sealed record IndexedField(Dictionary<string, double> Counts, double Length);

    private sealed record IndexedPassage(DocPassage Passage, IndexedField[] Fields);
}
