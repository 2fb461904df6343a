// Profiles: list, add (the key field is write-only), validate, activate, delete.
import { call } from './api.js';
import { $, h, attempt, notify } from './dom.js';

let onChange = () => {};

/** The latest list: `{ profiles: [{name, model, base_url, api_key_set}], active_profile }`. */
export let current = { profiles: [], active_profile: null };

export function init(changed) {
  onChange = changed;
  $('#profile-form').addEventListener('submit', (e) => {
    e.preventDefault();
    attempt($('#profile-save'), save);
  });
  $('#profile-validate').addEventListener('click', () => attempt($('#profile-validate'), validate));
}

export async function refresh() {
  current = await call('GET', 'api/profiles');
  const body = $('#profiles-table tbody');
  body.replaceChildren(...current.profiles.map((p) => row(p, p.name === current.active_profile)));
  if (current.profiles.length === 0) {
    body.append(h('tr', {}, h('td', { colspan: 6, class: 'hint' }, 'No profile yet: add one below.')));
  }
  onChange(current);
}

function row(profile, active) {
  const activate = h('button', { type: 'button', disabled: active, 'aria-label': `Activate ${profile.name}` }, 'Activate');
  const remove = h('button', { type: 'button', 'aria-label': `Delete ${profile.name}` }, 'Delete');
  activate.addEventListener('click', () => attempt(activate, async () => {
    await call('POST', `api/profiles/${encodeURIComponent(profile.name)}/activate`);
    notify(`Profile '${profile.name}' is active`);
    await refresh();
  }));
  remove.addEventListener('click', () => attempt(remove, async () => {
    if (!window.confirm(`Delete profile '${profile.name}'?`)) return;
    await call('DELETE', `api/profiles/${encodeURIComponent(profile.name)}`);
    notify(`Profile '${profile.name}' deleted`);
    await refresh();
  }));
  return h('tr', { 'data-profile': profile.name },
    h('td', {}, profile.name),
    h('td', {}, profile.model ?? ''),
    h('td', {}, profile.base_url ?? ''),
    h('td', {}, profile.api_key_set ? 'set' : 'none'),
    h('td', {}, active ? 'active' : ''),
    h('td', {}, activate, remove));
}

/** The LLM the form describes. The key is read from the field here and nowhere else. */
function formLlm() {
  const llm = { model: $('#profile-model').value.trim() };
  const baseUrl = $('#profile-base-url').value.trim();
  if (baseUrl) llm.base_url = baseUrl;
  const key = $('#profile-api-key').value;
  if (key) llm.api_key = key;
  return llm;
}

function formName() {
  const form = $('#profile-form');
  if (!form.reportValidity()) throw new Error('Fill in a valid name and a model.');
  return $('#profile-name').value.trim();
}

async function save() {
  const name = formName();
  const llm = formLlm();
  await call('POST', `api/profiles/${encodeURIComponent(name)}`, { llm });
  $('#profile-form').reset();   // the key is never shown again
  notify(`Profile '${name}' saved${llm.api_key ? ' with its key' : ''}`);
  await refresh();
}

async function validate() {
  const name = formName();
  const result = await call('POST', `api/profiles/${encodeURIComponent(name)}/validate`, { llm: formLlm() });
  if (result.valid) notify(`'${name}' answered: the configuration works`);
  else notify(`'${name}' failed: ${result.error?.type ?? 'error'}: ${result.error?.message ?? ''}`, true);
}
