using System.Text;
using Parley.Channels.WebMessaging;

namespace Parley.Tests.Channels.WebMessaging;

public sealed class AttachmentRulesTests
{
    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];

    private static readonly byte[] Gif = "GIF89a\x01\x00\x01\x00\x80\x00\x00"u8.ToArray();

    [Fact]
    public void The_limit_is_ten_megabytes()
    {
        Assert.Equal(10 * 1024 * 1024, AttachmentRules.MaxBytes);
    }

    [Fact]
    public void Each_allowed_type_is_recognised_by_its_first_bytes()
    {
        Assert.Equal("image/png", AttachmentRules.Detect(Png));
        Assert.Equal("image/jpeg", AttachmentRules.Detect([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]));
        Assert.Equal("image/gif", AttachmentRules.Detect("GIF89a\x01\x00"u8));
        Assert.Equal("image/webp", AttachmentRules.Detect("RIFF\x10\x00\x00\x00WEBPVP8 "u8));
        Assert.Equal("application/pdf", AttachmentRules.Detect("%PDF-1.7\n"u8));
        Assert.Equal(["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"], AttachmentRules.AllowedTypes);
    }

    [Fact]
    public void Other_or_disguised_files_are_refused()
    {
        Assert.Null(AttachmentRules.Detect("MZ\x90\x00 this is an exe"u8));
        Assert.Null(AttachmentRules.Detect("<html><script>"u8));
        Assert.Null(AttachmentRules.Detect("XXXX\x10\x00\x00\x00WEBPVP8 "u8)); // WEBP without RIFF
        Assert.Null(AttachmentRules.Detect(Png.AsSpan(0, 7))); // truncated signature
        Assert.Null(AttachmentRules.Detect([]));
    }

    [Theory]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("C:\\temp\\a\"b.pdf", "C:tempab.pdf")]
    [InlineData("  label.pdf  ", "label.pdf")]
    [InlineData("", "file")]
    [InlineData(null, "file")]
    [InlineData("bad\r\nname.png", "badname.png")]
    public void File_names_are_made_safe(string? name, string expected)
    {
        Assert.Equal(expected, AttachmentRules.SafeFileName(name));
    }

    [Fact]
    public void Long_file_names_are_cut_to_120_characters()
    {
        Assert.Equal(120, AttachmentRules.SafeFileName(new string('a', 300) + ".png").Length);
    }

    [Fact]
    public void An_image_is_accepted_with_its_type_and_name()
    {
        var accepted = AttachmentRules.Check(Png, "../label.png", out var refusal);

        Assert.Equal(new AcceptedAttachment("image/png", "label.png"), accepted);
        Assert.Empty(refusal);
    }

    [Fact]
    public void A_file_of_no_allowed_type_is_refused_whatever_its_name()
    {
        Assert.Null(AttachmentRules.Check("MZ\x90\x00 this is an exe"u8, "photo.png", out var refusal));
        Assert.Equal(AttachmentRules.UnsupportedType, refusal);
        Assert.Null(AttachmentRules.Check([], "photo.png", out _));
    }

    /// <summary>GIF89a followed by a page: a picture by its magic bytes, a page to anything that sniffs or renders it.</summary>
    [Theory]
    [InlineData("<html><body>hi</body></html>", "<html")]
    [InlineData("<SCRIPT>alert(1)</SCRIPT>", "<script")]
    [InlineData("<!DocType html>", "<!doctype")]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>", "<svg")]
    [InlineData("<iframe src=//evil.example>", "<iframe")]
    [InlineData("<Body onload=alert(1)>", "<body")]
    [InlineData("<?xml version=\"1.0\"?><x/>", "<?xml")]
    public void A_polyglot_with_markup_at_its_start_is_refused(string markup, string tag)
    {
        var poly = Concat(Gif, Encoding.ASCII.GetBytes(markup));

        Assert.Null(AttachmentRules.Check(poly, "poly.html", out var refusal));
        Assert.Contains(tag, refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Markup_at_the_end_of_a_large_file_is_refused_and_in_its_middle_is_not_looked_for()
    {
        var padding = new byte[100 * 1024];
        var atTheEnd = Concat(Gif, padding, "<script>alert(1)</script>"u8.ToArray());
        var inTheMiddle = Concat(Gif, padding, "<script>"u8.ToArray(), padding);

        Assert.Null(AttachmentRules.Check(atTheEnd, "a.gif", out _));
        Assert.Equal("<script", AttachmentRules.FindMarkup(atTheEnd));
        Assert.NotNull(AttachmentRules.Check(inTheMiddle, "a.gif", out _));
    }

    [Fact]
    public void Markup_is_found_across_the_edge_of_each_window_only_when_whole_inside_it()
    {
        var tag = "<script"u8.ToArray();
        var head = Concat(Gif, new byte[AttachmentRules.MarkupWindow - Gif.Length - tag.Length], tag, new byte[4096]);
        var cut = Concat(Gif, new byte[AttachmentRules.MarkupWindow - Gif.Length - 3], tag, new byte[4096]);
        var tail = Concat(Gif, new byte[4096], tag, new byte[AttachmentRules.MarkupWindow - tag.Length]);

        Assert.Equal("<script", AttachmentRules.FindMarkup(head));
        Assert.Null(AttachmentRules.FindMarkup(cut));
        Assert.Equal("<script", AttachmentRules.FindMarkup(tail));
    }

    [Fact]
    public void Binary_bytes_and_lookalikes_are_not_markup()
    {
        var random = new byte[64 * 1024];
        new Random(42).NextBytes(random);

        Assert.Null(AttachmentRules.FindMarkup(Concat(Gif, random)));
        Assert.Null(AttachmentRules.FindMarkup("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Size 2 >>\n%%EOF"u8));
        Assert.Null(AttachmentRules.FindMarkup("GIF89a <htm <scrip <sv"u8));
    }

    [Theory]
    [InlineData("poly.html", "poly.gif")]
    [InlineData("poly.GIF", "poly.GIF")]
    [InlineData("archive.tar.gz", "archive.tar.gif")]
    [InlineData("noextension", "noextension.gif")]
    [InlineData(".htaccess", "file.gif")]
    [InlineData("trailing.html. ", "trailing.html.gif")]
    [InlineData(null, "file.gif")]
    [InlineData("../../x.svg", "x.gif")]
    public void The_stored_name_ends_with_the_extension_of_the_detected_type(string? name, string expected)
    {
        Assert.Equal(expected, AttachmentRules.Check(Gif, name, out _)?.FileName);
    }

    [Theory]
    [InlineData("photo.jpeg", "photo.jpeg")]
    [InlineData("photo.JPG", "photo.JPG")]
    [InlineData("photo.png", "photo.jpg")]
    public void A_jpeg_keeps_either_of_its_extensions(string name, string expected)
    {
        Assert.Equal(expected, AttachmentRules.Check([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], name, out _)?.FileName);
    }

    [Fact]
    public void A_long_name_keeps_its_new_extension_within_120_characters()
    {
        var name = AttachmentRules.Check(Gif, new string('a', 300) + ".html", out _)!.FileName;

        Assert.Equal(120, name.Length);
        Assert.EndsWith(".gif", name, StringComparison.Ordinal);
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
