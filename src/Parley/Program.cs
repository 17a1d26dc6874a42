using Parley.Bots;
using Parley.Bots.External;
using Parley.Bots.Public;
using Parley.Channels;
using Parley.Channels.Instagram;
using Parley.Channels.Media;
using Parley.Channels.Messenger;
using Parley.Channels.WebMessaging;
using Parley.Channels.WhatsApp;
using Parley.Channels.X;
using Parley.Console;
using Parley.Console.Help;
using Parley.Console.Supervision;
using Parley.Contacts;
using Parley.Contacts.Crm;
using Parley.Conversations;
using Parley.Data;
using Parley.Demo;
using Parley.Hosting;
using Parley.Identity;
using Parley.Routing;
using Parley.Simulator;

if (ParleyCommands.Handles(args))
{
    return await ParleyCommands.RunAsync(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddParleyData();
builder.AddParleyEngine();
builder.AddBots();
builder.AddWebMessaging();
builder.AddParleyIdentity();
builder.AddParleyWeb();
builder.AddParleyConsole();
builder.AddWorkingFaster();
builder.AddSupervision();
builder.AddHelpRequests();
builder.AddAdministration();
// After the web defaults: declared connections are saved once the demo workspace (its account) exists.
builder.AddParleyChannels();
builder.AddChannelMedia();
builder.AddMessenger();
builder.AddInstagram();
builder.AddWhatsApp();
builder.AddX();
builder.AddSimulator();

var app = builder.Build();
app.UseParleyWeb();
app.MapStaticAssets();
app.MapWidgetApi();
app.MapAccountEndpoints();
app.MapContactsApi();
app.MapContactProfileApi();
app.MapCrmApi();
app.MapRoutingApi();
app.MapWorkingFaster();
app.MapSupervision();
app.MapHelpRequests();
app.MapAdministration();
app.MapConnectionsApi();
app.MapChannelMedia();
app.MapFlowsApi();
app.MapPublicBotApi();
app.MapExternalBotAdmin();
app.MapBotApi();
app.MapBotSecretsApi();
app.MapMessenger();
app.MapInstagram();
app.MapWhatsApp();
app.MapX();
app.MapDemoPage();
app.MapParcelApi();
app.MapDemoCrm();
app.MapSimulator();
app.MapParleyConsole();
app.Run();
return 0;

public partial class Program;
