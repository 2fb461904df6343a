namespace OpenHands.Sdk.Agents.Tools;

/// <summary>Settings of <see cref="TerminalTool"/>; values are checked when set and copied by the tool at construction.</summary>
public sealed record TerminalToolOptions
{
    /// <summary>The default of <see cref="Timeout"/>: two minutes.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The default of <see cref="MaxOutputLength"/>: 30 000 characters, as in the Python terminal tool.</summary>
    public const int DefaultMaxOutputLength = 30_000;

    /// <summary>The smallest accepted <see cref="MaxOutputLength"/>.</summary>
    public const int MinMaxOutputLength = 100;

    /// <summary>Gets how long a command may run when the call does not set <c>timeout</c>; then it is killed with everything it started.</summary>
    /// <value>The default value is <see cref="DefaultTimeout"/> (two minutes).</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public TimeSpan Timeout
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, nameof(Timeout));
            field = value;
        }
    } = DefaultTimeout;

    /// <summary>Gets the most output characters shown to the model; longer output keeps its head and tail around a marker.</summary>
    /// <value>The default value is <see cref="DefaultMaxOutputLength"/> (30 000).</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is below <see cref="MinMaxOutputLength"/>.</exception>
    public int MaxOutputLength
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, MinMaxOutputLength, nameof(MaxOutputLength));
            field = value;
        }
    } = DefaultMaxOutputLength;

    /// <summary>Gets the shell that runs commands (with <c>-c</c>): a file name looked up on <c>PATH</c>, or a full path.</summary>
    /// <value>The default value is <c>bash</c>.</value>
    /// <exception cref="ArgumentException">The value is empty or white space.</exception>
    public string ShellPath
    {
        get;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value, nameof(ShellPath));
            field = value;
        }
    } = "bash";
}
