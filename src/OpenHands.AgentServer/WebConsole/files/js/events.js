// A conversation's events, live: the websocket with `resend_mode=all` first, then `since` the last event seen after a
// reconnect; each event shown once (by id). Close codes 4001 (key rejected) and 4004 (conversation gone) end it.
import { openEventSocket } from './api.js';
import { h, textOf, safeJson } from './dom.js';

/** Follows one conversation. `handlers`: onEvent(event), onState(key, value), onSocket(text), onAuthFailed(). */
export function follow(conversationId, handlers) {
  const seen = new Set();
  let lastTimestamp = null;
  let socket = null;
  let stopped = false;
  let retryDelay = 500;
  let retryTimer = null;

  function connect() {
    const query = lastTimestamp ? { resend_mode: 'since', after_timestamp: lastTimestamp } : { resend_mode: 'all' };
    socket = openEventSocket(conversationId, query);
    socket.addEventListener('open', () => { retryDelay = 500; handlers.onSocket('live'); });
    socket.addEventListener('message', (message) => receive(message.data));
    socket.addEventListener('close', (e) => closed(e.code, e.reason));
  }

  function receive(data) {
    let event;
    try {
      event = JSON.parse(data);
    } catch {
      return;
    }
    if (event.kind === 'ConversationStateUpdateEvent') handlers.onState(event.key, event.value);
    if (event.kind === 'ServerErrorEvent') {
      handlers.onEvent(event);
      return;
    }
    if (!event.id || seen.has(event.id)) return;
    seen.add(event.id);
    if (event.timestamp) lastTimestamp = event.timestamp;
    if (!(event.kind === 'ConversationStateUpdateEvent' && event.key === 'full_state')) handlers.onEvent(event);
  }

  function closed(code, reason) {
    if (stopped) return;
    if (code === 4001) {
      handlers.onSocket('closed: the session key was rejected');
      handlers.onAuthFailed();
      return;
    }
    if (code === 4004) {
      handlers.onSocket(`closed: ${reason || 'conversation not found'}`);
      return;
    }
    handlers.onSocket(`reconnecting (${reason || code})`);
    retryTimer = setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 8000);
  }

  connect();
  return {
    stop() {
      stopped = true;
      clearTimeout(retryTimer);
      if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, 'console closed');
    },
  };
}

/** One line of the event log. Only chosen fields are shown: a profile's key can never be one of them. */
export function render(event) {
  const when = event.timestamp ? new Date(event.timestamp).toLocaleTimeString() : '';
  const meta = h('span', { class: 'meta' }, `${when} ${event.source ?? ''} ${event.kind ?? ''}`.trim());
  const [cls, text] = describe(event);
  return h('li', { class: cls, 'data-kind': event.kind ?? '', 'data-source': event.source ?? '' }, meta, h('div', {}, text));
}

function describe(e) {
  switch (e.kind) {
    case 'MessageEvent': {
      const m = e.llm_message ?? {};
      return [m.role === 'user' ? 'user' : 'agent', textOf(m.content)];
    }
    case 'ActionEvent': {
      const thought = textOf(e.thought);
      return ['agent', `${e.tool_name ?? 'tool'}${e.summary ? `: ${e.summary}` : ''}${thought ? `\n${thought}` : ''}`];
    }
    case 'ObservationEvent':
      return [e.observation?.is_error ? 'error' : 'agent', `${e.tool_name ?? 'tool'} → ${textOf(e.observation?.content)}`];
    case 'AgentErrorEvent':
      return ['error', `${e.tool_name ?? 'agent'}: ${e.error ?? ''}`];
    case 'ConversationErrorEvent':
    case 'ServerErrorEvent':
      return ['error', `${e.code ?? ''} ${typeof e.detail === 'string' ? e.detail : safeJson(e.detail)}`];
    case 'ConversationStateUpdateEvent':
      return ['state', `${e.key}: ${typeof e.value === 'object' ? stateText(e.key, e.value) : String(e.value)}`];
    case 'PauseEvent':
      return ['state', 'paused'];
    case 'SystemPromptEvent':
      return ['state', 'system prompt set'];
    default:
      return ['state', ''];
  }
}

function stateText(key, value) {
  if (value && key === 'llm_profile') {
    return `${value.profile ?? '(snapshot)'} (${value.model ?? ''})${value.fallback ? ` fallback: ${value.reason ?? ''}` : ''}`;
  }
  return safeJson(value);
}
