using System.Text;
using Parley.Channels;
using Parley.Conversations;
using Parley.Identity;

namespace Parley.Bench;

/// <summary>One table's rows for the bulk load: column names and values in that order (enums and times as the app stores them).</summary>
internal sealed record BulkTable(string Name, string[] Columns, IEnumerable<object?[]> Rows);

/// <summary>
/// The console list bench's data set, generated deterministically: 10 accounts with their inboxes, queues and ~1,000
/// advisors, contacts, conversations (the older conversation of a contact resolved, the latest one open or resolved) and
/// their messages, written in words drawn from a Zipf distribution so that full-text search meets common and rare words.
/// </summary>
internal sealed class ConsoleListData(int conversations, long messages, DateTime now)
{
    public const int Accounts = 10;
    public const int AdvisorCount = 1000;
    public const int Admins = 10;
    public const int Supervisors = 50;
    public const int QueuesPerAccount = 5;

    public static readonly string[] TagNames = ["refund", "vip", "complaint", "lost-parcel", "fraud", "billing", "feedback", "urgent"];

    private static readonly ChannelKind[] AccountChannels = [ChannelKind.WebMessaging, ChannelKind.WhatsApp, ChannelKind.Messenger, ChannelKind.Instagram, ChannelKind.X];
    private static readonly string[] FirstNames = ["Anna", "Marco", "Julie", "Lucas", "Giulia", "Paul", "Sofia", "Louis", "Chiara", "Emma", "Luca", "Hugo", "Sara", "Noah", "Elena", "Jules"];
    private static readonly string[] LastNames = ["Rossi", "Martin", "Bernard", "Bianchi", "Dubois", "Ferrari", "Moreau", "Romano", "Laurent", "Greco", "Simon", "Conti"];

    // The head of the vocabulary: the words customers and advisors write most, in the languages of the floor.
    private static readonly string[] CommonWords =
    [
        "the", "my", "parcel", "order", "hello", "please", "delivery", "thanks", "is", "not", "bonjour", "colis", "grazie", "pacco",
        "refund", "account", "card", "payment", "address", "today", "tracking", "number", "help", "still", "received", "commande",
        "livraison", "ordine", "consegna", "problem", "invoice", "phone", "sim", "bank", "transfer", "when", "where", "why", "late",
    ];

    private readonly int _contacts = Math.Max(1, conversations / 2);
    private readonly int _perConversation = (int)Math.Clamp(messages / Math.Max(1, conversations), 1, 100);
    private readonly string[] _vocabulary = Vocabulary(20_000);
    private double[]? _zipf;
    private byte[]? _counts;
    private long[]? _updated;
    private int[]? _inboxes;

    /// <summary>A word of the vocabulary's tail (rank 15,000 of 20,000: a few hundred messages in ten million).</summary>
    public string RareWord => _vocabulary[15_000];

    /// <summary>The commonest content word (in about a quarter of the messages).</summary>
    public static string CommonWord => "parcel";

    /// <summary>The tracking number written in exactly one conversation (its first message).</summary>
    public static string TrackingNumber(long conversationId) => $"PX{conversationId * 7919 % 10_000_000:D7}";

    /// <summary>Advisors of one account only (role advisor): ids 70 + (account - 1) + 10 k.</summary>
    public const int AdvisorsPerAccount = (AdvisorCount - 70) / Accounts;

    public static long AdvisorOf(int account, int k) => 70 + (account - 1) + (10L * k);

    public static int InboxId(int account, int channel) => (account - 1) * AccountChannels.Length + channel + 1;

    public static long QueueId(int account, int queue) => (account - 1) * QueuesPerAccount + queue + 1;

    /// <summary>The accounts an advisor works in: admins all, supervisors three, advisors one.</summary>
    public static IEnumerable<long> AccountsOf(int advisor) => advisor <= Admins
        ? Enumerable.Range(1, Accounts).Select(a => (long)a)
        : advisor <= Admins + Supervisors
            ? Enumerable.Range(0, 3).Select(k => (long)((advisor + k) % Accounts + 1))
            : [(advisor - 70 + Accounts * 10) % Accounts + 1];

    public static AdvisorRole RoleOf(int advisor) => advisor <= Admins ? AdvisorRole.Admin : advisor <= Admins + Supervisors ? AdvisorRole.Supervisor : AdvisorRole.Advisor;

    public IEnumerable<BulkTable> Tables()
    {
        var at = now.AddYears(-2);
        yield return new("accounts", ["id", "name", "created_at"], Enumerable.Range(1, Accounts).Select(a => new object?[] { (long)a, $"Brand {a}", at }));
        yield return new("inboxes", ["id", "account_id", "name", "channel", "settings_json", "created_at"],
            from a in Enumerable.Range(1, Accounts)
            from k in Enumerable.Range(0, AccountChannels.Length)
            select new object?[] { (long)InboxId(a, k), (long)a, $"{AccountChannels[k]} {a}", AccountChannels[k], "{}", at });
        yield return new("queues", ["id", "account_id", "name", "sticky_seconds"],
            from a in Enumerable.Range(1, Accounts)
            from q in Enumerable.Range(0, QueuesPerAccount)
            select new object?[] { QueueId(a, q), (long)a, $"Queue {q + 1} of brand {a}", 0 });
        yield return new("advisors",
            ["id", "email", "display_name", "password_hash", "role", "capacity", "presence", "presence_changed_at", "created_at", "security_stamp", "failed_login_count", "public_capacity"],
            Enumerable.Range(1, AdvisorCount).Select(k => new object?[]
            {
                (long)k, $"advisor{k}@bench.example", $"{FirstNames[k % FirstNames.Length]} {LastNames[k / 7 % LastNames.Length]} {k}", "-",
                RoleOf(k), 3, Presence.Offline, at, at, "-", 0, 5,
            }));
        yield return new("advisor_accounts", ["advisor_id", "account_id"],
            from k in Enumerable.Range(1, AdvisorCount) from a in AccountsOf(k) select new object?[] { (long)k, a });
        yield return new("contacts", ["id", "account_id", "name", "email", "created_at"],
            Enumerable.Range(0, _contacts).Select(j => new object?[]
            {
                (long)j + 1, (long)(j % Accounts + 1), $"{FirstNames[j % 13 % FirstNames.Length]} {LastNames[j / 13 % LastNames.Length]}",
                $"customer{j + 1}@mail.example", at,
            }));
        yield return new("contact_identities", ["id", "contact_id", "inbox_id", "external_id", "verified", "created_at"],
            Enumerable.Range(0, _contacts).Select(j => new object?[] { (long)j + 1, (long)j + 1, (long)ContactInbox(j), $"ext-{j + 1}", false, at }));
        yield return new("conversations",
            ["id", "account_id", "inbox_id", "contact_id", "channel", "is_public", "status", "queue_id", "assignee_id", "priority", "last_seq",
             "customer_read_seq", "advisor_read_seq", "created_at", "updated_at", "queued_at", "assigned_at", "resolved_at", "last_customer_message_at",
             "version", "customer_sentiment", "snoozed_at", "snoozed_until"],
            ConversationRows());
        yield return new("messages",
            ["id", "conversation_id", "inbox_id", "seq", "author_kind", "author_id", "content_type", "text", "delivery_status", "processed", "delivery_attempts", "created_at"],
            MessageRows());
        yield return new("conversation_tags", ["conversation_id", "tag", "account_id", "created_at"], TagRows());
    }

    private static int ContactInbox(int contact) => InboxId(contact % Accounts + 1, contact / Accounts % AccountChannels.Length);

    private IEnumerable<object?[]> ConversationRows()
    {
        var random = new Random(12);
        _counts = new byte[conversations];
        _updated = new long[conversations];
        _inboxes = new int[conversations];
        for (var i = 0; i < conversations; i++)
        {
            var contact = i % _contacts;
            var account = contact % Accounts + 1;
            var channelIndex = contact / Accounts % AccountChannels.Length;
            var channel = AccountChannels[channelIndex];
            var count = random.Next(1, 2 * _perConversation);
            _counts[i] = (byte)Math.Min(count, 255);

            // The older conversation of a contact is always resolved; of the latest ones about one in ten is still open.
            var roll = i < _contacts ? 1.0 : random.NextDouble() * 10;
            var status = roll switch
            {
                < 0.15 => ConversationStatus.WithBot,
                < 0.35 => ConversationStatus.Queued,
                < 0.70 => ConversationStatus.Assigned,
                < 0.95 => ConversationStatus.WaitingForCustomer,
                _ => ConversationStatus.Resolved,
            };
            var open = status != ConversationStatus.Resolved;
            var updated = open ? now.AddMinutes(-random.Next(1, 3 * 24 * 60)) : now.AddMinutes(-random.Next(3 * 24 * 60, 365 * 24 * 60));
            updated = updated.AddSeconds(-random.Next(60));
            _updated[i] = updated.Ticks;
            _inboxes[i] = InboxId(account, channelIndex);
            var queue = status == ConversationStatus.WithBot ? (long?)null : QueueId(account, random.Next(QueuesPerAccount));
            var assigned = status is ConversationStatus.Assigned or ConversationStatus.WaitingForCustomer
                || (status == ConversationStatus.Resolved && random.Next(5) > 0);
            long? assignee = assigned ? AdvisorOf(account, random.Next(AdvisorsPerAccount)) : null;
            var lastCustomer = updated.AddMinutes(-(status == ConversationStatus.WaitingForCustomer ? random.Next(1, 30) : 0));
            var unread = status == ConversationStatus.Assigned && random.Next(10) < 4 ? random.Next(1, Math.Min(3, count) + 1) : 0;
            var snoozed = open && assigned && random.Next(20) == 0;
            yield return
            [
                (long)i + 1, (long)account, (long)_inboxes[i], (long)contact + 1, channel,
                channel is ChannelKind.Messenger or ChannelKind.Instagram or ChannelKind.X && random.Next(10) < 3,
                status, queue, assignee, random.Next(10) == 0 ? 1 : 0, (long)count, (long)count, (long)(count - unread),
                updated.AddMinutes(-count), updated, queue is null ? null : updated.AddMinutes(-random.Next(0, 60)),
                assigned ? updated.AddMinutes(-count / 2) : null, open ? null : updated, lastCustomer, 1L,
                random.Next(10) < 7 ? Math.Round(random.NextDouble() * 2 - 1, 2) : null,
                snoozed ? lastCustomer.AddMinutes(1) : null, snoozed && random.Next(2) == 0 ? now.AddDays(1) : null,
            ];
        }
    }

    private IEnumerable<object?[]> MessageRows()
    {
        var random = new Random(34);
        var text = new StringBuilder();
        long id = 0;
        for (var i = 0; i < conversations; i++)
        {
            var count = _counts![i];
            var end = new DateTime(_updated![i], DateTimeKind.Utc);
            for (var seq = 1; seq <= count; seq++)
            {
                var customer = seq % 2 == 1;
                var author = customer ? AuthorKind.Customer : seq == 2 ? AuthorKind.Bot : AuthorKind.Advisor;
                text.Clear();
                for (var w = random.Next(4, 17); w > 0; w--)
                {
                    text.Append(text.Length == 0 ? "" : " ").Append(_vocabulary[Word(random)]);
                }

                if (seq == 1)
                {
                    text.Append(' ').Append(TrackingNumber(i + 1));
                }

                yield return
                [
                    ++id, (long)i + 1, (long)_inboxes![i], (long)seq, author, author == AuthorKind.Advisor ? (long?)(Admins + Supervisors + 1 + i % 900) : null,
                    ContentType.Text, text.ToString(), customer ? DeliveryStatus.Delivered : DeliveryStatus.Read, true, 0,
                    end.AddMinutes(seq - count),
                ];
            }
        }
    }

    private IEnumerable<object?[]> TagRows()
    {
        var random = new Random(56);
        for (var i = 0; i < conversations; i++)
        {
            // About one conversation in ten carries a tag, one in forty a second one.
            if (random.Next(10) != 0)
            {
                continue;
            }

            var first = random.Next(TagNames.Length);
            var account = (long)(i % _contacts % Accounts + 1);
            var at = new DateTime(_updated![i], DateTimeKind.Utc);
            yield return [(long)i + 1, TagNames[first], account, at];
            if (random.Next(4) == 0)
            {
                yield return [(long)i + 1, TagNames[(first + 1 + random.Next(TagNames.Length - 1)) % TagNames.Length], account, at];
            }
        }
    }

    private int Word(Random random)
    {
        _zipf ??= ZipfTable(_vocabulary.Length);
        var index = Array.BinarySearch(_zipf, random.NextDouble());
        return Math.Min(index < 0 ? ~index : index, _vocabulary.Length - 1);
    }

    private static double[] ZipfTable(int size)
    {
        var cumulative = new double[size];
        var sum = 0.0;
        for (var r = 0; r < size; r++)
        {
            sum += 1.0 / (r + 1);
            cumulative[r] = sum;
        }

        for (var r = 0; r < size; r++)
        {
            cumulative[r] /= sum;
        }

        return cumulative;
    }

    /// <summary>The common words first, then made-up words of two to four syllables, each distinct.</summary>
    private static string[] Vocabulary(int size)
    {
        string[] syllables = ["ba", "ce", "di", "fo", "gu", "la", "me", "ni", "po", "ru", "sa", "te", "vi", "zo", "ka", "lu", "mo", "ne", "ri", "ta"];
        var words = new List<string>(CommonWords);
        for (var n = 0; words.Count < size; n++)
        {
            var word = new StringBuilder();
            for (var x = n; word.Length == 0 || x > 0; x /= syllables.Length)
            {
                word.Append(syllables[x % syllables.Length]);
            }

            if (word.Length >= 4)
            {
                words.Add(word.ToString());
            }
        }

        return [.. words];
    }
}
