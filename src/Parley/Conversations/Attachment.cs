namespace Parley.Conversations;

/// <summary>A file a customer or an advisor sent; kept in the database so every node can serve it.</summary>
public sealed class Attachment
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long ConversationId { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public required byte[] Data { get; set; }
    public DateTime CreatedAt { get; set; }

    public static Attachment Of(NewAttachment file, long accountId, long conversationId, DateTime now) => new()
    {
        AccountId = accountId,
        ConversationId = conversationId,
        FileName = file.FileName,
        ContentType = file.ContentType,
        Size = file.Data.LongLength,
        Data = file.Data,
        CreatedAt = now,
    };

    /// <summary>What its message's payload says of it (set once the attachment is saved and has its id).</summary>
    public AttachmentInfo Info => new(Id, FileName, ContentType, Size);
}
