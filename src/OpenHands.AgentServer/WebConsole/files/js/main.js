// Start-up, sign-in and the three views. The page is a client of the public REST API only.
import { call, setSessionKey, hasSessionKey, ApiError } from './api.js';
import { $, attempt, notify } from './dom.js';
import * as profiles from './profiles.js';
import * as conversations from './conversations.js';
import * as settings from './settings.js';

const views = ['profiles', 'conversations', 'settings'];
const refreshers = { profiles: profiles.refresh, conversations: conversations.refresh, settings: settings.refresh };

function show(view) {
  $('#signin-view').hidden = view !== 'signin';
  for (const name of views) $(`#${name}-view`).hidden = name !== view;
  for (const tab of document.querySelectorAll('#tabs button')) tab.setAttribute('aria-pressed', String(tab.dataset.view === view));
  const signedIn = view !== 'signin';
  $('#tabs').hidden = !signedIn;
  $('#sign-out').hidden = !signedIn || !hasSessionKey();
}

async function open(view) {
  show(view);
  await attempt(null, refreshers[view]);
}

/** Whether the server answers `/api` with the key given (none: an open server). */
async function accepted() {
  try {
    await call('GET', 'api/profiles');
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return false;
    throw e;
  }
}

async function signIn() {
  const field = $('#session-key');
  setSessionKey(field.value);
  field.value = '';   // the key stays in memory only
  if (await accepted()) {
    notify('Signed in');
    await enter();
  } else {
    setSessionKey(null);
    notify('That session key was rejected.', true);
  }
}

function signOut(message) {
  setSessionKey(null);
  conversations.close();
  for (const id of ['#profiles-table tbody', '#conversation-list', '#settings-agent', '#settings-conversation', '#settings-misc']) {
    $(id).replaceChildren();
  }
  show('signin');
  notify(message, Boolean(message) && message !== 'Signed out');
}

async function enter() {
  await attempt(null, profiles.refresh);
  await open('profiles');
}

profiles.init((list) => conversations.setProfiles(list));
conversations.init(() => signOut('The session key was rejected: sign in again.'));
$('#signin-form').addEventListener('submit', (e) => {
  e.preventDefault();
  attempt(null, signIn);
});
$('#sign-out').addEventListener('click', () => signOut('Signed out'));
for (const tab of document.querySelectorAll('#tabs button')) tab.addEventListener('click', () => open(tab.dataset.view));

attempt(null, async () => {
  if (await accepted()) {
    notify('This server needs no session key.');
    await enter();
  } else {
    show('signin');
  }
});
