using Parley.Channels;
using Parley.Channels.WebMessaging;
using Parley.Console;
using Parley.Contacts;
using Parley.Conversations;
using Parley.Data;
using Parley.Demo;
using Parley.Hosting;
using Parley.Identity;

var builder = WebApplication.CreateBuilder(args);
builder.AddParleyData();
builder.AddParleyEngine();
builder.AddParleyChannels();
builder.AddWebMessaging();
builder.AddParleyIdentity();
builder.AddParleyWeb();
builder.AddParleyConsole();

var app = builder.Build();
app.UseParleyWeb();
app.MapStaticAssets();
app.MapWidgetApi();
app.MapAccountEndpoints();
app.MapContactsApi();
app.MapDemoPage();
app.MapParleyConsole();
app.Run();

public partial class Program;
