using Parley.Channels.WebMessaging;

namespace Parley.Tests.Channels.WebMessaging;

public sealed class AttachmentRulesTests
{
    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];

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
}
