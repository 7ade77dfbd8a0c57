using MicroAgi.Llm.Providers;

namespace MicroAgi.Llm.Tests.Errors;

public sealed class UrlRedactorTests
{
    [Theory]
    [InlineData("http://localhost:11434/v1", "http://localhost:11434/v1")]
    [InlineData("http://user:url-secret-1@gateway.example/v1", "http://gateway.example/v1")]
    [InlineData("https://gateway.example/openai/v1?api-key=url-secret-2&api-version=2024-10-21", "https://gateway.example/openai/v1?api-key=***&api-version=***")]
    [InlineData("https://token-url-secret-3@gateway.example/v1?url-secret-4#url-secret-5", "https://gateway.example/v1?***")]
    public void Shows_a_base_url_without_the_credentials_it_carries(string url, string shown)
    {
        var settings = new ProviderSettings { Kind = ProviderKind.OpenAI, BaseUrl = new Uri(url), ApiKey = "sk-key" };

        Assert.Equal(shown, settings.DisplayBaseUrl);
        Assert.Contains(shown, settings.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("url-secret", settings.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_an_unusable_base_url_without_repeating_its_credentials()
    {
        var settings = new ProviderSettings { Kind = ProviderKind.OpenAI, BaseUrl = new Uri("ftp://user:url-secret-6@files.example/v1") };

        var error = Assert.Throws<ArgumentException>(() => new ChatClientFactory([settings]));

        Assert.Contains("'ftp://files.example/v1'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("url-secret", error.Message, StringComparison.Ordinal);
    }
}
