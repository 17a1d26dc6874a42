using Parley.Bots.Understanding;

namespace Parley.Tests.Bots.Understanding;

public sealed class HumanRequestTests
{
    [Theory]
    [InlineData("je veux parler à un conseiller")]
    [InlineData("Je voudrais parler a un CONSEILLER svp")]
    [InlineData("talk to a human")]
    [InlineData("agent please")]
    [InlineData("Can I speak to a real person?")]
    [InlineData("voglio parlare con un operatore")]
    [InlineData("un humain")]
    [InlineData("Opérateur !")]
    [InlineData("passez-moi quelqu'un")]
    [InlineData("vorrei un operatore per favore")]
    [InlineData("Puis-je parler à quelqu'un ?")]
    [InlineData("I need a human")]
    public void Recognises_requests_for_a_person(string text)
    {
        Assert.True(HumanRequest.IsAskingForHuman(text));
    }

    [Theory]
    [InlineData("the agent was rude")]
    [InlineData("le conseiller m'a raccroché au nez")]
    [InlineData("l'operatore è stato gentile")]
    [InlineData("I want to know why your delivery agent was so rude")]
    [InlineData("voglio sapere perché il vostro operatore non risponde")]
    [InlineData("where is my parcel?")]
    [InlineData("")]
    public void Mentions_and_other_messages_are_not_requests(string text)
    {
        Assert.False(HumanRequest.IsAskingForHuman(text));
    }
}
