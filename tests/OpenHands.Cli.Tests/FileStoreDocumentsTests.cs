using OpenHands.Cli.Tests.Support;
using OpenHands.Sdk.PostgreSql;

namespace OpenHands.Cli.Tests;

/// <summary>The provider connections file of a persistence folder, as <c>store copy</c> writes and reads it (no database needed).</summary>
[Parallelizable(ParallelScope.All)]
public sealed class FileStoreDocumentsTests
{
    private static readonly StoredProviderConnection Work = new("conn-work", "Büro <team>", "openai", "sk-test-conn-one", "https://llm.example.test/v1", 1700000000, 1700000100);
    private static readonly StoredProviderConnection Local = new("conn-local", "Local", "ollama", null, null, 1700000200, 1700000200);

    [Test]
    public async Task Write_GivesTheConnectionsFileByteForByte_AndReadGivesTheConnectionsBack()
    {
        using var home = TempHome.Create();

        await FileStoreDocuments.WriteAsync(home.Home, Documents(Work, Local), overwrite: false, progress: null, CancellationToken.None);

        var text = File.ReadAllText(home.Combine("provider-connections", "provider_connections.json"));
        text.Should().Be("""
            {
              "schema_version": 1,
              "connections": [
                {
                  "id": "conn-work",
                  "display_name": "B\u00FCro \u003Cteam\u003E",
                  "provider": "openai",
                  "api_key": "sk-test-conn-one",
                  "base_url": "https://llm.example.test/v1",
                  "created_at": 1700000000,
                  "updated_at": 1700000100
                },
                {
                  "id": "conn-local",
                  "display_name": "Local",
                  "provider": "ollama",
                  "api_key": null,
                  "base_url": null,
                  "created_at": 1700000200,
                  "updated_at": 1700000200
                }
              ]
            }
            """.ReplaceLineEndings("\n"));
        FileStoreDocuments.Read(home.Home).ProviderConnections.Should().Equal(Work, Local);
    }

    [TestCase("""{"connections": [{"id": "c", "created_at": "soon", "updated_at": 1}]}""")]
    [TestCase("""{"connections": [{"id": "c", "updated_at": 1}]}""")]
    [TestCase("""{"connections": [42]}""")]
    [TestCase("""[]""")]
    [TestCase("""null""")]
    public void Read_ABadConnectionsFile_IsRefusedNamingTheFile(string json)
    {
        using var home = TempHome.Create();
        Directory.CreateDirectory(home.Combine("provider-connections"));
        var path = home.Combine("provider-connections", "provider_connections.json");
        File.WriteAllText(path, json);

        var read = () => FileStoreDocuments.Read(home.Home);

        read.Should().Throw<CliException>().Which.Message.Should().Contain(path).And.Contain("nothing was written");
    }

    private static StoreDocuments Documents(params StoredProviderConnection[] connections) =>
        new(new Dictionary<string, string>(), connections, null, new Dictionary<string, string>());
}
