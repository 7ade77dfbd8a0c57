using System.Diagnostics;
using MicroAgi.Functions;
using MicroAgi.Lua.Runtime;
using MicroAgi.Lua.Modules;

namespace MicroAgi.Lua.Tests;

public sealed class HttpClientModuleTests : IAsyncLifetime
{
    private readonly LocalHttpServer _server = new();
    private readonly LuaTestHost _allowed = new(LuaTestHost.SmallLimits with { Timeout = TimeSpan.FromSeconds(5) }, new HttpClientOptions { AllowedNetworks = ["127.0.0.1"] });
    private readonly LuaTestHost _default = new(LuaTestHost.SmallLimits with { Timeout = TimeSpan.FromSeconds(5) });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _allowed.Dispose();
        _default.Dispose();
        await _server.DisposeAsync();
    }

    private FunctionResult Run(LuaTestHost host, string body) =>
        host.Handler($"local http_client = require('http_client')\nlocal json = require('json')\nlocal base = '{_server.BaseUrl}'\n{body}");

    [Fact]
    public void Get_returns_status_body_and_lowercase_headers()
    {
        var result = Run(_allowed, "local r, err = http_client.get(base .. '/hello') assert(r, err) return { status = r.status_code, body = r.body, type = r.headers['content-type'] }");
        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("""{"body":"hello","status":200,"type":"text/plain"}""", result.Value!.ToJsonString());
    }

    [Fact]
    public void Post_with_a_table_body_sends_json_with_headers_and_query()
    {
        var result = Run(_allowed, """
            local r = assert(http_client.post(base .. '/echo', { body = { a = 1 }, headers = { ['X-Api-Key'] = 'k1' }, query = { q = 'lua sandbox' } }))
            return json.decode(r.body)
            """);
        Assert.True(result.IsSuccess, result.ToString());
        var echo = result.Value!.AsObject();
        Assert.Equal("POST", (string?)echo["method"]);
        Assert.Equal("""{"a":1}""", (string?)echo["body"]);
        Assert.Equal("application/json", (string?)echo["headers"]!["content-type"]);
        Assert.Equal("k1", (string?)echo["headers"]!["x-api-key"]);
        Assert.Equal("q=lua+sandbox", (string?)echo["query"]);
    }

    [Fact]
    public void Error_statuses_are_responses_not_errors()
    {
        var result = Run(_allowed, "local r, err = http_client.get(base .. '/status/404') return { status = r.status_code, err = err }");
        Assert.Equal("""{"status":404}""", result.Value!.ToJsonString());
    }

    [Fact]
    public void Loopback_is_refused_by_default()
    {
        var result = Run(_default, "local r, err = http_client.get(base .. '/hello') return { r = r, err = err }");
        Assert.True(result.IsSuccess, result.ToString());
        var error = (string?)result.Value!["err"];
        Assert.StartsWith("http_client: refused to connect to 127.0.0.1", error);
        Assert.Contains("loopback", error);
    }

    [Fact]
    public void A_name_resolving_to_loopback_is_refused_by_default()
    {
        var result = Run(_default, $"local r, err = http_client.get('http://localhost:{_server.Port}/hello') return err");
        Assert.Contains("refused to connect to localhost", (string?)result.Value);
    }

    [Theory]
    [InlineData("http://10.1.2.3/", "private")]
    [InlineData("http://192.168.1.1/", "private")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("http://[::1]/", "loopback")]
    [InlineData("http://[fe80::1]/", "link-local")]
    [InlineData("http://[::ffff:127.0.0.1]/", "loopback")]
    [InlineData("http://0.0.0.0/", "unspecified")]
    public void Private_loopback_and_link_local_targets_are_refused(string url, string kind)
    {
        var result = Run(_default, $"local r, err = http_client.get('{url}') return err");
        Assert.True(result.IsSuccess, result.ToString());
        Assert.Contains(kind, (string?)result.Value);
        Assert.StartsWith("http_client: refused", (string?)result.Value);
    }

    [Fact]
    public void A_redirect_to_a_refused_address_is_refused()
    {
        var result = Run(_allowed, "local r, err = http_client.get(base .. '/redirect?to=http://127.0.0.2:9/x') return err");
        Assert.StartsWith("http_client: refused to connect to 127.0.0.2", (string?)result.Value);
    }

    [Fact]
    public void Redirects_are_followed_and_the_final_url_reported()
    {
        var result = Run(_allowed, "local r = assert(http_client.get(base .. '/redirect?to=/hello')) return { body = r.body, url = r.url }");
        Assert.Equal($$"""{"body":"hello","url":"{{_server.BaseUrl}}/hello"}""", result.Value!.ToJsonString());
    }

    [Fact]
    public void A_body_over_the_size_cap_is_an_error()
    {
        var result = Run(_allowed, "local r, err = http_client.get(base .. '/big?n=5000', { max_size = 1000 }) return err");
        Assert.Equal("http_client: the response body (5000 bytes) is larger than the 1000-byte limit", (string?)result.Value);
    }

    [Fact]
    public void A_request_timeout_is_an_error_the_tool_can_handle()
    {
        var result = Run(_allowed, "local r, err = http_client.get(base .. '/slow?ms=3000', { timeout = 0.2 }) return err");
        Assert.Equal("http_client: no response from 127.0.0.1 within 0.2 s", (string?)result.Value);
    }

    [Fact]
    public void A_request_longer_than_the_call_deadline_times_the_call_out()
    {
        using var host = new LuaTestHost(LuaTestHost.SmallLimits with { Timeout = TimeSpan.FromMilliseconds(300) }, new HttpClientOptions { AllowedNetworks = ["127.0.0.1"] });
        var clock = Stopwatch.StartNew();
        var result = Run(host, "local r, err = http_client.get(base .. '/slow?ms=9000') return err");
        Assert.Equal(FunctionErrorKind.Timeout, result.ErrorKind);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), clock.Elapsed.ToString());
    }

    [Fact]
    public void Only_http_and_https_are_allowed()
    {
        var result = Run(_allowed, "local r, err = http_client.get('file:///etc/passwd') return err");
        Assert.Equal("http_client: 'file:///etc/passwd' is not an http or https URL", (string?)result.Value);
    }

    [Fact]
    public void Unknown_hosts_report_a_resolution_error()
    {
        var result = Run(_default, "local r, err = http_client.get('http://no-such-host.invalid/') return err");
        Assert.Equal("http_client: cannot resolve host 'no-such-host.invalid'", (string?)result.Value);
    }

    [Fact]
    public void Allowed_networks_must_be_addresses_or_ranges()
    {
        var error = Assert.Throws<ArgumentException>(() => new LuaRuntime(new LuaRuntimeOptions { Http = new HttpClientOptions { AllowedNetworks = ["not-an-address"] } }));
        Assert.Contains("'not-an-address' is not an IP address or a CIDR range", error.Message);
    }
}
