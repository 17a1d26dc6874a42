using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.WebMessaging;

/// <summary>Body limits are enforced by Kestrel, so these run against a real server.</summary>
public sealed class BodyLimitTests
{
    [Fact]
    public async Task An_api_body_over_64_kilobytes_is_a_413_and_the_connection_stays_usable()
    {
        await using var app = new ParleyApplication();
        app.StartKestrel();
        using var customer = await app.GuestAsync();
        await customer.OpenAsync();

        var response = await customer.Http.PostAsync($"{WidgetClient.Base}/messages",
            JsonContent.Create(new { clientMessageId = "big", text = new string('a', 70 * 1024) }));

        await Expect.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        var small = await customer.SendAsync("a normal message");
        Assert.Equal("a normal message", Assert.Single((await customer.MessagesAsync(after: small.Seq - 1)).Messages, m => m.Id == small.Id).Text);
        Assert.True(app.LoggedErrors.IsEmpty, string.Join("\n", app.LoggedErrors));
    }

    [Fact]
    public async Task An_upload_far_over_the_attachment_limit_is_a_413()
    {
        await using var app = new ParleyApplication();
        app.StartKestrel();
        using var customer = await app.GuestAsync();

        // Announce 12 MB but send only the start, as a client would before Kestrel answers early.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(app.KestrelAddress!.Host, app.KestrelAddress.Port);
        var stream = tcp.GetStream();
        var head = $"POST {WidgetClient.Base}/attachments HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {customer.Session!.Token}\r\n"
            + $"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {12 * 1024 * 1024}\r\n\r\n"
            + "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.png\"\r\nContent-Type: image/png\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(new byte[64 * 1024]);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var headers = new List<string>();
        for (var line = await reader.ReadLineAsync(); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync())
        {
            headers.Add(line);
        }

        Assert.Equal("HTTP/1.1 413 Payload Too Large", statusLine);
        Assert.Contains(headers, h => h.Equals("Content-Type: application/problem+json", StringComparison.OrdinalIgnoreCase));
        Assert.True(app.LoggedErrors.IsEmpty, string.Join("\n", app.LoggedErrors));
    }
}