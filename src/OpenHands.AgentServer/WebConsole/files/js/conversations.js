// Conversations: list, start by profile, open one (events live over the websocket), send, switch profile, pause.
import { call } from './api.js';
import { $, h, attempt, notify, fillSelect } from './dom.js';
import { follow, render } from './events.js';

let selected = null;   // { id, follower }
let onAuthFailed = () => {};

export function init(authFailed) {
  onAuthFailed = authFailed;
  $('#start-form').addEventListener('submit', (e) => {
    e.preventDefault();
    attempt($('#start-button'), start);
  });
  $('#message-form').addEventListener('submit', (e) => {
    e.preventDefault();
    attempt($('#message-send'), send);
  });
  $('#conversation-pause').addEventListener('click', () => attempt($('#conversation-pause'), pause));
  $('#switch-button').addEventListener('click', () => attempt($('#switch-button'), switchProfile));
  $('#conversations-refresh').addEventListener('click', () => attempt($('#conversations-refresh'), refresh));
}

/** Offers the profiles in the start and switch lists (the active one first choice when starting). */
export function setProfiles(list) {
  const names = list.profiles.map((p) => p.name);
  fillSelect($('#start-profile'), names, $('#start-profile').value || list.active_profile);
  fillSelect($('#switch-profile'), names);
}

export async function refresh() {
  const page = await call('GET', 'api/conversations/search?limit=100');
  const list = $('#conversation-list');
  list.replaceChildren(...page.items.map(item));
  if (page.items.length === 0) list.append(h('li', { class: 'hint' }, 'No conversation yet.'));
}

function item(info) {
  const li = h('li', { 'data-id': info.id, 'aria-current': selected?.id === info.id ? 'true' : 'false' },
    h('div', {}, info.title || info.id),
    h('div', { class: 'status' }, `${info.execution_status} · ${info.llm_profile ?? 'snapshot'} · ${new Date(info.created_at).toLocaleString()}`));
  li.addEventListener('click', () => attempt(null, () => open(info.id)));
  return li;
}

async function start() {
  const profile = $('#start-profile').value;
  if (!profile) throw new Error('Add a profile first (Profiles tab).');
  const text = $('#start-message').value.trim();
  const body = { llm_profile: profile };
  if (text) body.initial_message = { role: 'user', content: [{ type: 'text', text }], run: true };
  const info = await call('POST', 'api/conversations', body);
  $('#start-message').value = '';
  notify(`Conversation started with profile '${profile}'`);
  await refresh();
  await open(info.id);
}

/** Shows one conversation: its facts from REST, then every event (past and live) from the websocket. */
export async function open(id) {
  close();
  const info = await call('GET', `api/conversations/${encodeURIComponent(id)}`);
  $('#conversation-panel').hidden = false;
  $('#event-log').replaceChildren();
  showInfo(info);
  for (const li of document.querySelectorAll('#conversation-list li')) {
    li.setAttribute('aria-current', li.dataset.id === id ? 'true' : 'false');
  }
  selected = { id, follower: null };
  selected.follower = follow(id, {
    onEvent: (event) => {
      const log = $('#event-log');
      log.append(render(event));
      log.scrollTop = log.scrollHeight;
    },
    onState: (key, value) => state(key, value),
    onSocket: (text) => { $('#conversation-socket').textContent = text; },
    onAuthFailed: () => onAuthFailed(),
  });
}

/** Stops following the open conversation (on sign-out or when another one is opened). */
export function close() {
  selected?.follower?.stop();
  selected = null;
  $('#conversation-panel').hidden = true;
  $('#event-log').replaceChildren();
}

function showInfo(info) {
  $('#conversation-title').textContent = info.title || `Conversation ${info.id}`;
  $('#conversation-status').textContent = info.execution_status ?? '';
  $('#conversation-profile').textContent = info.llm_profile ?? 'snapshot (no profile)';
  $('#conversation-model').textContent = info.current_model_id ?? info.agent?.llm?.model ?? '';
}

function state(key, value) {
  if (key === 'full_state' && value) showInfo(value);
  else if (key === 'execution_status') $('#conversation-status').textContent = String(value);
  else if (key === 'llm_profile' && value) {
    $('#conversation-profile').textContent = value.profile ?? 'snapshot (no profile)';
    if (value.model) $('#conversation-model').textContent = value.model;
  }
}

function requireSelected() {
  if (!selected) throw new Error('Open a conversation first.');
  return encodeURIComponent(selected.id);
}

async function send() {
  const id = requireSelected();
  const text = $('#message-text').value.trim();
  if (!text) return;
  await call('POST', `api/conversations/${id}/events`, { role: 'user', content: [{ type: 'text', text }], run: true });
  $('#message-text').value = '';
}

async function pause() {
  await call('POST', `api/conversations/${requireSelected()}/pause`);
  notify('Pause requested: the agent stops after its current step');
}

async function switchProfile() {
  const id = requireSelected();
  const profile = $('#switch-profile').value;
  if (!profile) throw new Error('Choose a profile to switch to.');
  await call('POST', `api/conversations/${id}/switch_profile`, { profile_name: profile });
  notify(`Switched to profile '${profile}'`);
}
