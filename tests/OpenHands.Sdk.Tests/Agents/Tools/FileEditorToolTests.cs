using OpenHands.Sdk.Agents;
using OpenHands.Sdk.Agents.Tools;
using OpenHands.Sdk.Tests.Support;
using static OpenHands.Sdk.Tests.Agents.Tools.ToolTestKit;

namespace OpenHands.Sdk.Tests.Agents.Tools;

/// <summary>
/// The file editor follows the str_replace editor's rules: numbered views, create never overwrites, a replacement
/// needs exactly one occurrence, insert after a line, undo per file; and it never leaves the working directory.
/// </summary>
[Parallelizable(ParallelScope.All)]
[Category("Tools")]
public sealed class FileEditorToolTests
{
    // ---- view ---------------------------------------------------------------------------------------------

    [Test]
    public async Task View_File_ShowsLinesNumberedLikeCatN()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("a.txt"), "alpha\nbeta\ngamma\n");

        var result = await Run(dir, new { command = "view", path = dir.Combine("a.txt") });

        result.IsError.Should().BeFalse();
        result.Text.Should().EndWith("     1\talpha\n     2\tbeta\n     3\tgamma\n");
        result.Text.Should().Contain("Lines 1-3 of " + dir.Combine("a.txt"));
        result.StringField("command").Should().Be("view");
        result.StringField("path").Should().Be(dir.Combine("a.txt"));
    }

    [Test]
    public async Task View_RelativePath_ResolvesAgainstWorkingDirectory()
    {
        using var dir = TempDirectory.Create();
        Directory.CreateDirectory(dir.Combine("src"));
        File.WriteAllText(dir.Combine("src", "b.txt"), "one");

        var result = await Run(dir, new { command = "view", path = "src/b.txt" });

        result.Text.Should().EndWith("     1\tone\n");
        result.StringField("path").Should().Be(dir.Combine("src", "b.txt"));
    }

    [Test]
    public async Task View_Range_ShowsOnlyThoseLines()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllLines(dir.Combine("n.txt"), Enumerable.Range(1, 20).Select(i => $"line{i}"));

        var result = await Run(dir, new { command = "view", path = "n.txt", view_range = new[] { 5, 7 } });

        result.Text.Should().EndWith("     5\tline5\n     6\tline6\n     7\tline7\n");
        result.Text.Should().NotContain("line8");
    }

    [Test]
    public async Task View_RangeToMinusOne_ShowsToTheEnd()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllLines(dir.Combine("n.txt"), Enumerable.Range(1, 20).Select(i => $"line{i}"));

        var result = await Run(dir, new { command = "view", path = "n.txt", view_range = new[] { 19, -1 } });

        result.Text.Should().EndWith("    19\tline19\n    20\tline20\n");
    }

    [Test]
    public async Task View_RangeAsJsonString_IsAccepted()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllLines(dir.Combine("n.txt"), ["a", "b", "c"]);

        var result = await Run(dir, new { command = "view", path = "n.txt", view_range = "[2, 2]" });

        result.Text.Should().EndWith("     2\tb\n");
    }

    [Test]
    public async Task View_RangeEndPastFile_ShowsToTheEndWithNote()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllLines(dir.Combine("n.txt"), ["a", "b", "c"]);

        var result = await Run(dir, new { command = "view", path = "n.txt", view_range = new[] { 2, 50 } });

        result.IsError.Should().BeFalse();
        result.Text.Should().Contain("only 3 lines").And.EndWith("     2\tb\n     3\tc\n");
    }

    [TestCase(0, 2, "between 1 and 3")]
    [TestCase(4, 5, "between 1 and 3")]
    [TestCase(3, 2, "must not be before")]
    public async Task View_InvalidRange_ReturnsError(int start, int end, string expected)
    {
        using var dir = TempDirectory.Create();
        File.WriteAllLines(dir.Combine("n.txt"), ["a", "b", "c"]);

        var result = await Run(dir, new { command = "view", path = "n.txt", view_range = new[] { start, end } });

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain(expected);
    }

    [Test]
    public async Task View_RangeWithOneNumber_ReturnsError()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllLines(dir.Combine("n.txt"), ["a"]);

        var result = await Run(dir, new { command = "view", path = "n.txt", view_range = new[] { 1 } });

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("two line numbers");
    }

    [Test]
    public async Task View_Directory_ListsTwoLevelsWithoutHiddenItems()
    {
        using var dir = TempDirectory.Create();
        Directory.CreateDirectory(dir.Combine("src", "deep", "deeper"));
        File.WriteAllText(dir.Combine("src", "main.cs"), "x");
        File.WriteAllText(dir.Combine("src", "deep", "too-deep.txt"), "x");
        File.WriteAllText(dir.Combine("README.md"), "x");
        File.WriteAllText(dir.Combine(".secret"), "x");
        Directory.CreateDirectory(dir.Combine(".git"));
        File.WriteAllText(dir.Combine("src", ".hidden"), "x");

        var result = await Run(dir, new { command = "view", path = dir.Path });

        result.IsError.Should().BeFalse();
        var lines = result.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainInOrder($"{dir.Path}/", dir.Combine("README.md"), dir.Combine("src") + "/", dir.Combine("src", "deep") + "/", dir.Combine("src", "main.cs"));
        result.Text.Should().NotContain("too-deep").And.NotContain(".secret").And.NotContain(".git").And.NotContain(".hidden").And.NotContain("deeper");
        result.Text.Should().Contain("2 hidden item(s)");
    }

    [Test]
    public async Task View_DirectoryWithRange_ReturnsError()
    {
        using var dir = TempDirectory.Create();

        var result = await Run(dir, new { command = "view", path = ".", view_range = new[] { 1, 2 } });

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("only applies to files");
    }

    [Test]
    public async Task View_MissingPath_ReturnsError()
    {
        using var dir = TempDirectory.Create();

        var result = await Run(dir, new { command = "view", path = "nope.txt" });

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("does not exist");
        result.StringField("command").Should().Be("view");
    }

    [Test]
    public async Task View_BinaryFile_ReturnsError()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllBytes(dir.Combine("bin.dat"), [1, 2, 0, 3]);

        var result = await Run(dir, new { command = "view", path = "bin.dat" });

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("binary");
    }

    [Test]
    public async Task View_EmptyFile_SaysSo()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("e.txt"), string.Empty);

        var result = await Run(dir, new { command = "view", path = "e.txt" });

        result.IsError.Should().BeFalse();
        result.Text.Should().Contain("is empty");
    }

    [Test]
    public async Task View_HugeFile_IsTruncatedWithMarker()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllLines(dir.Combine("big.txt"), Enumerable.Range(1, 5000).Select(i => $"line number {i}"));

        var result = await Run(dir, new { command = "view", path = "big.txt" });

        result.Text.Should().Contain("characters omitted");
        result.Text.Length.Should().BeLessThan(17_000);
        result.Text.Should().Contain("\tline number 1\n").And.EndWith("\tline number 5000\n");
    }

    // ---- create -------------------------------------------------------------------------------------------

    [Test]
    public async Task Create_NewFile_WritesContentAndParents()
    {
        using var dir = TempDirectory.Create();

        var result = await Run(dir, new { command = "create", path = "pkg/new.txt", file_text = "hello\nworld\n" });

        result.IsError.Should().BeFalse();
        File.ReadAllText(dir.Combine("pkg", "new.txt")).Should().Be("hello\nworld\n");
        result.StringField("new_content").Should().Be("hello\nworld\n");
        result.BoolField("prev_exist").Should().BeFalse();
        result.Fields.Should().NotContainKey("old_content");
        Directory.EnumerateFiles(dir.Path, "*.tmp", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Test]
    public async Task Create_ExistingFile_ReturnsErrorAndKeepsFile()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("a.txt"), "original");

        var result = await Run(dir, new { command = "create", path = "a.txt", file_text = "new" });

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("already exists");
        File.ReadAllText(dir.Combine("a.txt")).Should().Be("original");
    }

    [Test]
    public async Task Create_WithoutFileText_ReturnsError()
    {
        using var dir = TempDirectory.Create();

        var result = await Run(dir, new { command = "create", path = "a.txt" });

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("file_text");
        File.Exists(dir.Combine("a.txt")).Should().BeFalse();
    }

    // ---- str_replace ---------------------------------------------------------------------------------------

    [Test]
    public async Task StrReplace_SingleOccurrence_ReplacesAndShowsSnippet()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("c.py"), "def f():\n    return 1\n\nprint(f())\n");

        var result = await Run(dir, new { command = "str_replace", path = "c.py", old_str = "return 1", new_str = "return 2" });

        result.IsError.Should().BeFalse();
        File.ReadAllText(dir.Combine("c.py")).Should().Be("def f():\n    return 2\n\nprint(f())\n");
        result.Text.Should().Contain("     2\t    return 2\n");
        result.StringField("old_content").Should().Be("def f():\n    return 1\n\nprint(f())\n");
        result.StringField("new_content").Should().Be("def f():\n    return 2\n\nprint(f())\n");
        result.BoolField("prev_exist").Should().BeTrue();
    }

    [Test]
    public async Task StrReplace_NoOccurrence_ReturnsErrorAndKeepsFile()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("c.txt"), "abc\n");

        var result = await Run(dir, new { command = "str_replace", path = "c.txt", old_str = "xyz", new_str = "q" });

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("0 occurrences");
        File.ReadAllText(dir.Combine("c.txt")).Should().Be("abc\n");
    }

    [Test]
    public async Task StrReplace_SeveralOccurrences_ReturnsErrorNamingCountAndLines()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("c.txt"), "x = 1\ny = 2\nx = 1\nz\nx = 1\n");

        var result = await Run(dir, new { command = "str_replace", path = "c.txt", old_str = "x = 1", new_str = "x = 9" });

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("occurs 3 times").And.Contain("lines 1, 3, 5");
        File.ReadAllText(dir.Combine("c.txt")).Should().Be("x = 1\ny = 2\nx = 1\nz\nx = 1\n");
    }

    [Test]
    public async Task StrReplace_OldStrWithExtraSurroundingWhitespace_MatchesTrimmedText()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("c.txt"), "keep\nchange me\nkeep\n");

        var result = await Run(dir, new { command = "str_replace", path = "c.txt", old_str = "\nchange me\n\n", new_str = "changed" });

        result.IsError.Should().BeFalse();
        File.ReadAllText(dir.Combine("c.txt")).Should().Be("keep\nchanged\nkeep\n");
    }

    [Test]
    public async Task StrReplace_WithoutNewStr_DeletesText()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("c.txt"), "a\nremove\nb\n");

        var result = await Run(dir, new { command = "str_replace", path = "c.txt", old_str = "remove\n" });

        result.IsError.Should().BeFalse();
        File.ReadAllText(dir.Combine("c.txt")).Should().Be("a\nb\n");
    }

    [Test]
    public async Task StrReplace_IdenticalStrings_ReturnsError()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("c.txt"), "a\n");

        var result = await Run(dir, new { command = "str_replace", path = "c.txt", old_str = "a", new_str = "a" });

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("identical");
    }

    [Test]
    public async Task StrReplace_MissingOldStr_ReturnsError()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("c.txt"), "a\n");

        var result = await Run(dir, new { command = "str_replace", path = "c.txt", new_str = "b" });

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("old_str");
    }

    [Test]
    public async Task StrReplace_MissingFile_ReturnsError()
    {
        using var dir = TempDirectory.Create();

        var result = await Run(dir, new { command = "str_replace", path = "none.txt", old_str = "a", new_str = "b" });

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("does not exist");
    }

    [Test]
    public async Task StrReplace_OnFolder_ReturnsError()
    {
        using var dir = TempDirectory.Create();
        Directory.CreateDirectory(dir.Combine("sub"));

        var result = await Run(dir, new { command = "str_replace", path = "sub", old_str = "a", new_str = "b" });

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("is a folder");
    }

    [Test]
    public async Task StrReplace_ExecutableScript_KeepsPermissionsAndByteOrderMark()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix permissions only.");
            return;
        }

        using var dir = TempDirectory.Create();
        var path = dir.Combine("run.sh");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. "#!/bin/sh\necho one\n"u8.ToArray()]);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        await Run(dir, new { command = "str_replace", path = "run.sh", old_str = "one", new_str = "two" });

        File.GetUnixFileMode(path).Should().HaveFlag(UnixFileMode.UserExecute);
        File.ReadAllBytes(path).Should().Equal([0xEF, 0xBB, 0xBF, .. "#!/bin/sh\necho two\n"u8.ToArray()]);
    }

    // ---- insert --------------------------------------------------------------------------------------------

    [Test]
    public async Task Insert_AfterLine_InsertsThere()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("i.txt"), "one\ntwo\nthree\n");

        var result = await Run(dir, new { command = "insert", path = "i.txt", insert_line = 2, new_str = "two and a half" });

        result.IsError.Should().BeFalse();
        File.ReadAllText(dir.Combine("i.txt")).Should().Be("one\ntwo\ntwo and a half\nthree\n");
        result.Text.Should().Contain("     3\ttwo and a half\n");
        result.StringField("old_content").Should().Be("one\ntwo\nthree\n");
        result.StringField("new_content").Should().Be("one\ntwo\ntwo and a half\nthree\n");
    }

    [Test]
    public async Task Insert_LineZero_InsertsAtTop()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("i.txt"), "one\ntwo\n");

        await Run(dir, new { command = "insert", path = "i.txt", insert_line = 0, new_str = "zero\nhalf" });

        File.ReadAllText(dir.Combine("i.txt")).Should().Be("zero\nhalf\none\ntwo\n");
    }

    [Test]
    public async Task Insert_AfterLastLineWithoutLineBreak_StartsANewLine()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("i.txt"), "one\ntwo");

        await Run(dir, new { command = "insert", path = "i.txt", insert_line = 2, new_str = "three\n" });

        File.ReadAllText(dir.Combine("i.txt")).Should().Be("one\ntwo\nthree\n");
    }

    [Test]
    public async Task Insert_WindowsLineEndings_AreKept()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("i.txt"), "one\r\ntwo\r\n");

        await Run(dir, new { command = "insert", path = "i.txt", insert_line = 1, new_str = "mid" });

        File.ReadAllText(dir.Combine("i.txt")).Should().Be("one\r\nmid\r\ntwo\r\n");
    }

    [TestCase(-1)]
    [TestCase(4)]
    public async Task Insert_LineOutOfRange_ReturnsError(int line)
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("i.txt"), "a\nb\nc\n");

        var result = await Run(dir, new { command = "insert", path = "i.txt", insert_line = line, new_str = "x" });

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("between 0 and 3");
        File.ReadAllText(dir.Combine("i.txt")).Should().Be("a\nb\nc\n");
    }

    [Test]
    public async Task Insert_MissingParameters_ReturnsError()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("i.txt"), "a\n");

        var result = await Run(dir, new { command = "insert", path = "i.txt", new_str = "x" });

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("insert_line");
    }

    [Test]
    public async Task Insert_NonIntegerLine_ReturnsError()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("i.txt"), "a\n");

        var result = await Run(dir, new { command = "insert", path = "i.txt", insert_line = "two", new_str = "x" });

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("'insert_line' must be an integer");
    }

    // ---- undo_edit -----------------------------------------------------------------------------------------

    [Test]
    public async Task UndoEdit_AfterEdits_RestoresVersionsInReverseOrder()
    {
        using var dir = TempDirectory.Create();
        var tool = new FileEditorTool();
        File.WriteAllText(dir.Combine("u.txt"), "v1\n");
        await Run(dir, new { command = "str_replace", path = "u.txt", old_str = "v1", new_str = "v2" }, tool);
        await Run(dir, new { command = "insert", path = "u.txt", insert_line = 1, new_str = "extra" }, tool);

        var first = await Run(dir, new { command = "undo_edit", path = "u.txt" }, tool);
        File.ReadAllText(dir.Combine("u.txt")).Should().Be("v2\n");
        var second = await Run(dir, new { command = "undo_edit", path = "u.txt" }, tool);
        File.ReadAllText(dir.Combine("u.txt")).Should().Be("v1\n");
        var third = await Run(dir, new { command = "undo_edit", path = "u.txt" }, tool);

        first.IsError.Should().BeFalse();
        first.StringField("old_content").Should().Be("v2\nextra\n");
        first.StringField("new_content").Should().Be("v2\n");
        second.Text.Should().Contain("     1\tv1");
        third.IsError.Should().BeTrue();
        third.Text.Should().Contain("no earlier version");
        File.ReadAllText(dir.Combine("u.txt")).Should().Be("v1\n");
    }

    [Test]
    public async Task UndoEdit_AfterCreate_DeletesTheFile()
    {
        using var dir = TempDirectory.Create();
        var tool = new FileEditorTool();
        await Run(dir, new { command = "create", path = "made.txt", file_text = "x" }, tool);

        var result = await Run(dir, new { command = "undo_edit", path = "made.txt" }, tool);

        result.IsError.Should().BeFalse();
        File.Exists(dir.Combine("made.txt")).Should().BeFalse();
    }

    [Test]
    public async Task UndoEdit_OnlyRevertsThatFile()
    {
        using var dir = TempDirectory.Create();
        var tool = new FileEditorTool();
        File.WriteAllText(dir.Combine("a.txt"), "a1");
        File.WriteAllText(dir.Combine("b.txt"), "b1");
        await Run(dir, new { command = "str_replace", path = "a.txt", old_str = "a1", new_str = "a2" }, tool);
        await Run(dir, new { command = "str_replace", path = "b.txt", old_str = "b1", new_str = "b2" }, tool);

        await Run(dir, new { command = "undo_edit", path = dir.Combine("a.txt") }, tool);

        File.ReadAllText(dir.Combine("a.txt")).Should().Be("a1");
        File.ReadAllText(dir.Combine("b.txt")).Should().Be("b2");
    }

    [Test]
    public async Task UndoEdit_HistoryBelongsToTheToolInstance()
    {
        using var dir = TempDirectory.Create();
        File.WriteAllText(dir.Combine("a.txt"), "a1");
        await Run(dir, new { command = "str_replace", path = "a.txt", old_str = "a1", new_str = "a2" }, new FileEditorTool());

        var result = await Run(dir, new { command = "undo_edit", path = "a.txt" }, new FileEditorTool());

        result.IsError.Should().BeTrue();
        File.ReadAllText(dir.Combine("a.txt")).Should().Be("a2");
    }

    // ---- paths and arguments -------------------------------------------------------------------------------

    [TestCase("../outside.txt")]
    [TestCase("sub/../../outside.txt")]
    [TestCase("/etc/passwd")]
    public async Task Execute_PathOutsideWorkingDirectory_ReturnsErrorAndTouchesNothing(string path)
    {
        using var parent = TempDirectory.Create();
        var work = parent.Combine("work");
        Directory.CreateDirectory(work);

        var create = await new FileEditorTool().ExecuteAsync(Call("file_editor", new { command = "create", path, file_text = "x" }), Context(work));
        var view = await new FileEditorTool().ExecuteAsync(Call("file_editor", new { command = "view", path }), Context(work));

        create.IsError.Should().BeTrue();
        create.Text.Should().Contain("outside the working directory");
        view.IsError.Should().BeTrue();
        view.Text.Should().Contain("outside the working directory");
        File.Exists(parent.Combine("outside.txt")).Should().BeFalse();
    }

    [Test]
    public async Task Execute_SiblingFolderWithSharedPrefix_IsOutside()
    {
        using var parent = TempDirectory.Create();
        Directory.CreateDirectory(parent.Combine("work"));
        Directory.CreateDirectory(parent.Combine("work-other"));

        var result = await new FileEditorTool().ExecuteAsync(
            Call("file_editor", new { command = "create", path = parent.Combine("work-other", "x.txt"), file_text = "x" }), Context(parent.Combine("work")));

        result.IsError.Should().BeTrue();
        File.Exists(parent.Combine("work-other", "x.txt")).Should().BeFalse();
    }

    [Test]
    public async Task Execute_SymbolicLinkLeadingOutside_ReturnsError()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Symbolic links need privileges on Windows.");
        }

        using var parent = TempDirectory.Create();
        var work = parent.Combine("work");
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(parent.Combine("secret"));
        File.WriteAllText(parent.Combine("secret", "key.txt"), "hidden");
        Directory.CreateSymbolicLink(Path.Combine(work, "link"), parent.Combine("secret"));

        var view = await new FileEditorTool().ExecuteAsync(Call("file_editor", new { command = "view", path = "link/key.txt" }), Context(work));
        var create = await new FileEditorTool().ExecuteAsync(Call("file_editor", new { command = "create", path = "link/new.txt", file_text = "x" }), Context(work));

        view.IsError.Should().BeTrue();
        view.Text.Should().NotContain("hidden");
        create.IsError.Should().BeTrue();
        File.Exists(parent.Combine("secret", "new.txt")).Should().BeFalse();
    }

    [Test]
    public async Task Execute_UnknownCommand_ReturnsErrorListingCommands()
    {
        using var dir = TempDirectory.Create();

        var result = await Run(dir, new { command = "delete", path = "a.txt" });

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("view, create, str_replace, insert, undo_edit");
    }

    [Test]
    public async Task Execute_MissingPath_ReturnsError()
    {
        using var dir = TempDirectory.Create();

        var result = await Run(dir, new { command = "view" });

        result.IsError.Should().BeTrue();
        result.Text.Should().Contain("'path' is required");
    }

    [Test]
    public async Task Execute_ArgumentsNotAnObject_ReturnsError()
    {
        using var dir = TempDirectory.Create();

        var result = await new FileEditorTool().ExecuteAsync(CallJson("file_editor", "[1, 2]"), Context(dir.Path));

        result.IsError.Should().BeTrue();
    }

    private static Task<ToolResult> Run(TempDirectory dir, object arguments, FileEditorTool? tool = null) =>
        (tool ?? new FileEditorTool()).ExecuteAsync(Call("file_editor", arguments), Context(dir.Path));
}
