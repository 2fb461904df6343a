using Npgsql;
using OpenHands.Sdk.PostgreSql;

namespace OpenHands.Sdk.Tests.PostgreSql;

[Parallelizable(ParallelScope.All)]
[Category("PostgreSql")]
public sealed class PostgreSqlConnectionStringTests
{
    private const string Password = "pw-test-hidden";

    [TestCase("postgres://app:pw-test-hidden@db.internal:6543/openhands")]
    [TestCase("postgresql://app:pw-test-hidden@db.internal:6543/openhands")]
    [TestCase("POSTGRES://app:pw-test-hidden@db.internal:6543/openhands")]
    public void Parse_Url_GivesHostPortUserPasswordAndDatabase(string url)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgreSqlConnectionString.Parse(url));

        builder.Host.Should().Be("db.internal");
        builder.Port.Should().Be(6543);
        builder.Username.Should().Be("app");
        builder.Password.Should().Be(Password);
        builder.Database.Should().Be("openhands");
    }

    [Test]
    public void Parse_UrlWithoutPortOrPassword_DefaultsTo5432AndNoPassword()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgreSqlConnectionString.Parse("postgres://app@db.internal/openhands"));

        builder.Port.Should().Be(5432);
        builder.Password.Should().BeNull();
        builder.Username.Should().Be("app");
    }

    [Test]
    public void Parse_UrlWithEscapesIpv6AndParameters_DecodesThem()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgreSqlConnectionString.Parse(
            "postgres://app%40corp:p%3Aw%2Fd@[::1]:5433/my%20db?sslmode=disable&Pooling=false"));

        builder.Username.Should().Be("app@corp");
        builder.Password.Should().Be("p:w/d");
        builder.Host.Should().Be("::1");
        builder.Port.Should().Be(5433);
        builder.Database.Should().Be("my db");
        builder.SslMode.Should().Be(SslMode.Disable);
        builder.Pooling.Should().BeFalse();
    }

    [Test]
    public void Parse_NpgsqlConnectionString_IsKept()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgreSqlConnectionString.Parse($"Host=db;Port=5439;Username=app;Password={Password};Database=oh"));

        builder.Host.Should().Be("db");
        builder.Port.Should().Be(5439);
        builder.Password.Should().Be(Password);
        builder.Database.Should().Be("oh");
    }

    [TestCase("mysql://app:pw-test-hidden@db/openhands", "scheme")]
    [TestCase("postgres://app:pw-test-hidden@/openhands", "URL")]
    [TestCase("postgres://app:pw-test-hidden@db/one/two", "one database")]
    [TestCase("postgres://app:pw-test-hidden@db/openhands?NoSuchSetting=1", "NoSuchSetting")]
    [TestCase("Host=db;Password=pw-test-hidden;NoSuchKey=1", "connection string")]
    [TestCase("Username=app;Password=pw-test-hidden", "no host")]
    [TestCase("   ", "empty")]
    public void Parse_BadValue_ThrowsNamingTheSettingNeverThePassword(string value, string problem)
    {
        var act = () => PostgreSqlConnectionString.Parse(value, PostgreSqlConnectionString.DatabaseUrlVariable);

        var error = act.Should().Throw<InvalidDatabaseUrlException>().Which;
        error.Setting.Should().Be("OH_DATABASE_URL");
        error.Message.Should().StartWith("OH_DATABASE_URL is not a valid PostgreSQL database").And.Contain(problem).And.NotContain(Password);
        (error.InnerException?.Message ?? string.Empty).Should().NotContain(Password);
    }

    [Test]
    public void Resolve_PrefersTheDatabaseUrlThenTheConnectionStringThenNone()
    {
        Host(PostgreSqlConnectionString.Resolve("postgres://a@url-host/db", "Host=cs-host")).Should().Be("url-host");
        Host(PostgreSqlConnectionString.Resolve(null, "Host=cs-host")).Should().Be("cs-host");
        Host(PostgreSqlConnectionString.Resolve("", "Host=cs-host")).Should().Be("cs-host");
        PostgreSqlConnectionString.Resolve(null, " ").Should().BeNull();
    }

    [Test]
    public void Resolve_BadConnectionString_NamesConnectionStringsOpenHands()
    {
        var act = () => PostgreSqlConnectionString.Resolve(null, "nonsense");

        act.Should().Throw<InvalidDatabaseUrlException>().Which.Setting.Should().Be("ConnectionStrings:OpenHands");
    }

    private static string? Host(string? connectionString) => connectionString is null ? null : new NpgsqlConnectionStringBuilder(connectionString).Host;
}
