using System.Text.Json;
using OpenHands.Sdk.Agents.Tools.Internal;

namespace OpenHands.Sdk.Tests.Agents.Tools;

/// <summary>The lenient reading of tool parameters by their contracts: what models send in place of the declared type.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ToolArgumentsTests
{
    [Test]
    public void Values_AreReadAsDeclared_OrInTheShapesModelsSendThemIn()
    {
        var arguments = Read("""
            {"text": "a", "number_text": 30, "flag": true, "flag_text": "True", "ratio": 0.5, "ratio_text": "2.5",
             "count": 3, "count_text": "4", "count_float": 5.0, "list": [1, 20], "list_text": "[2, 3]", "nothing": null}
            """);

        arguments.String("text").Should().Be("a");
        arguments.String("number_text").Should().Be("30");
        arguments.Boolean("flag").Should().BeTrue();
        arguments.Boolean("flag_text").Should().BeTrue();
        arguments.Boolean("nothing", defaultValue: true).Should().BeTrue("null counts as absent");
        arguments.Number("ratio").Should().Be(0.5);
        arguments.Number("ratio_text").Should().Be(2.5);
        arguments.Integer("count").Should().Be(3);
        arguments.Integer("count_text").Should().Be(4);
        arguments.Integer("count_float").Should().Be(5);
        arguments.IntegerList("list").Should().Equal(1, 20);
        arguments.IntegerList("list_text").Should().Equal(2, 3);
        arguments.String("nothing").Should().BeNull();
        arguments.Integer("missing").Should().BeNull();
        arguments.Error.Should().BeNull();
    }

    [TestCase("""{"p": 30}""", "String", "the parameter 'p' must be a string, not 30.")]
    [TestCase("""{"p": "yes"}""", "Boolean", "the parameter 'p' must be true or false, not \"yes\".")]
    [TestCase("""{"p": "Infinity"}""", "Number", "the parameter 'p' must be a number, not \"Infinity\".")]
    [TestCase("""{"p": 2.5}""", "Integer", "the parameter 'p' must be an integer, not 2.5.")]
    [TestCase("""{"p": "two"}""", "Integer", "the parameter 'p' must be an integer, not \"two\".")]
    [TestCase("""{"p": "[1, x]"}""", "IntegerList", "the parameter 'p' must be a list of integers, not \"[1, x]\".")]
    [TestCase("""{"p": {"a": 1}}""", "IntegerList", "the parameter 'p' must be a list of integers, not {\"a\": 1}.")]
    [TestCase("""{"p": null}""", "Required", "the parameter 'p' is required.")]
    public void AValueOfAnotherShape_IsTheFirstProblem_QuotedAsSent(string json, string read, string problem)
    {
        var arguments = Read(json);

        _ = read switch
        {
            "String" => (object?)arguments.String("p", strict: true),
            "Boolean" => arguments.Boolean("p"),
            "Number" => arguments.Number("p"),
            "Integer" => arguments.Integer("p"),
            "IntegerList" => arguments.IntegerList("p"),
            _ => arguments.String("p", required: true),
        };

        arguments.Error.Should().Be("Invalid arguments for 'tool': " + problem);
    }

    private static ToolArguments Read(string json) => new("tool", JsonElement.Parse(json));
}
