using System.Collections.Immutable;
using OpenHands.Sdk.Agents.Condensers;
using OpenHands.Sdk.Agents.Mcp;
using OpenHands.Sdk.Llms;

namespace OpenHands.Sdk.Agents;

/// <summary>
/// An agent's configuration: the LLM it calls, the tools it may use and its prompt options.
/// </summary>
/// <remarks>
/// Building an agent needs no store: <c>new Agent(new Llm("openai/gpt-4o") { ApiKey = ... })</c>. When a conversation
/// persists it, the LLM is materialized into a profile and only the reference is stored. The built-in tools
/// <c>finish</c> and <c>think</c> are always available; <c>switch_llm</c> is added when
/// <see cref="EnableSwitchLlmTool"/> is set. Instances are immutable.
/// </remarks>
public sealed record Agent
{
    /// <summary>Initializes a new instance of the <see cref="Agent"/> record.</summary>
    /// <param name="llm">The LLM the agent calls.</param>
    /// <param name="tools">The tools, as specs resolved through the conversation's tool registry; none by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="llm"/> is <see langword="null"/>.</exception>
    public Agent(Llm llm, IEnumerable<ToolSpec>? tools = null)
    {
        ArgumentNullException.ThrowIfNull(llm);
        Llm = llm;
        Tools = tools?.ToImmutableArray() ?? [];
    }

    /// <summary>Gets the LLM the agent calls.</summary>
    public Llm Llm
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Llm));
            field = value;
        }
    }

    /// <summary>Gets the tools (besides the built-ins).</summary>
    public ImmutableArray<ToolSpec> Tools { get; init; }

    /// <summary>Gets a system prompt that replaces the built-in one; <see langword="null"/> for the built-in prompt.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Gets text appended to the system prompt.</summary>
    public string? SystemMessageSuffix { get; init; }

    /// <summary>Gets whether the agent may switch its own LLM profile with the <c>switch_llm</c> tool.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool EnableSwitchLlmTool { get; init; }

    /// <summary>Gets the MCP servers whose tools the agent may call besides <see cref="Tools"/> (JSON <c>mcp_config</c>).</summary>
    /// <value>The default is <see langword="null"/>: no MCP servers.</value>
    public McpConfig? McpConfig { get; init; }

    /// <summary>Gets the condenser that keeps a long history within bounds (JSON <c>condenser</c>).</summary>
    /// <value>The default is <see langword="null"/>: the whole history is sent every time.</value>
    public LlmSummarizingCondenser? Condenser { get; init; }
}
