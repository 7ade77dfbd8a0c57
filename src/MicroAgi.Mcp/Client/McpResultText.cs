using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace MicroAgi.Mcp.Client;

/// <summary>
/// An MCP tool result as the model reads it. Text stays text; structured content is kept as JSON;
/// an image or audio clip, which a tool result cannot show a text model, is described (type, size) and
/// saved to a file whose path is given, so other tools can use it; an embedded resource gives its URI
/// and its text (or its size when binary); a resource link gives its URI, name and description.
/// </summary>
public sealed class McpResultText(string? mediaDirectory)
{
    public JsonNode? ToJson(CallToolResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.IsError == true) return new JsonObject { ["error"] = string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text)) is { Length: > 0 } text ? text : "the MCP tool failed" };
        if (result.StructuredContent is { } structured) return JsonNode.Parse(structured.GetRawText());
        if (result.Content is [TextContentBlock only]) return only.Text;
        return new JsonArray([.. result.Content.Select(Describe)]);
    }

    private JsonNode Describe(ContentBlock block) => block switch
    {
        TextContentBlock text => new JsonObject { ["type"] = "text", ["text"] = text.Text },
        ImageContentBlock image => Media("image", image.MimeType, image.DecodedData),
        AudioContentBlock audio => Media("audio", audio.MimeType, audio.DecodedData),
        EmbeddedResourceBlock { Resource: TextResourceContents resource } => new JsonObject
        {
            ["type"] = "resource", ["uri"] = resource.Uri, ["mime_type"] = resource.MimeType, ["text"] = resource.Text,
        },
        EmbeddedResourceBlock { Resource: BlobResourceContents blob } => Media("resource", blob.MimeType, blob.DecodedData, blob.Uri),
        ResourceLinkBlock link => new JsonObject
        {
            ["type"] = "resource_link", ["uri"] = link.Uri, ["name"] = link.Name, ["description"] = link.Description, ["mime_type"] = link.MimeType,
        },
        _ => new JsonObject { ["type"] = block.Type, ["note"] = "content of a type MicroAgi does not read" },
    };

    private JsonObject Media(string type, string? mimeType, ReadOnlyMemory<byte> data, string? uri = null)
    {
        var described = new JsonObject { ["type"] = type, ["mime_type"] = mimeType, ["bytes"] = data.Length };
        if (uri is not null) described["uri"] = uri;
        if (mediaDirectory is null)
        {
            described["note"] = $"binary {type} content, not shown";
            return described;
        }
        Directory.CreateDirectory(mediaDirectory);
        var path = Path.Combine(mediaDirectory, $"{type}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data.Span))[..16]}{Extension(mimeType)}");
        File.WriteAllBytes(path, data.ToArray());
        described["saved_to"] = path;
        return described;
    }

    private static string Extension(string? mimeType) => mimeType switch
    {
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/gif" => ".gif",
        "image/webp" => ".webp",
        "audio/wav" or "audio/x-wav" => ".wav",
        "audio/mpeg" => ".mp3",
        _ => ".bin",
    };
}
