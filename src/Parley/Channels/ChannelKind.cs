namespace Parley.Channels;

public enum ChannelKind
{
    WebMessaging,
    Messenger,
    Instagram,
    WhatsApp,
    X,
}
