using Parley.Channels.WebMessaging;
using Parley.Console;
using Parley.Conversations;
using Parley.Data;
using Parley.Demo;
using Parley.Hosting;
using Parley.Identity;

var builder = WebApplication.CreateBuilder(args);
builder.AddParleyData();
builder.AddParleyEngine();
builder.AddParleyIdentity();
builder.AddParleyWeb();
builder.AddParleyConsole();

var app = builder.Build();
app.UseParleyWeb();
app.MapStaticAssets();
app.MapWidgetApi();
app.MapAccountEndpoints();
app.MapDemoPage();
app.MapParleyConsole();
app.Run();

public partial class Program;
