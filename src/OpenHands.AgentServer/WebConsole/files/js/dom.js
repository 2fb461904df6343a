// Small DOM helpers. Text always goes in as text (never as HTML), so nothing the server or a model says can run.

/** `h('td', { class: 'x', onclick: f }, 'text', child)` */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export const $ = (selector) => document.querySelector(selector);

export function clear(node) {
  node.replaceChildren();
}

/** Fills a `<select>` with names, keeping the current choice when it is still offered. */
export function fillSelect(select, names, preferred) {
  const keep = preferred ?? select.value;
  select.replaceChildren(...names.map((n) => h('option', { value: n }, n)));
  if (names.includes(keep)) select.value = keep;
}

const secretName = /api_key|secret|password/i;

/** JSON for display, without any field that could hold a secret (`api_key`, `*_secret`, …), even when null. */
export function safeJson(value) {
  return JSON.stringify(value, (name, v) => (name && secretName.test(name) ? undefined : v), 2);
}

/** The text of an event's content: a string, or a list of `{"type":"text","text"}` parts. */
export function textOf(content) {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map(textOf).join('');
  if (typeof content === 'object' && 'text' in content) return String(content.text ?? '');
  return '';
}

let noticeTimer;

/** Shows a one-line status; errors stay until the next notice. */
export function notify(message, isError = false) {
  const notice = $('#notice');
  notice.textContent = message;
  notice.classList.toggle('error', isError);
  clearTimeout(noticeTimer);
  if (!isError && message) noticeTimer = setTimeout(() => { notice.textContent = ''; }, 6000);
}

/** Runs an action, showing its error (and re-enabling the button) instead of throwing. */
export async function attempt(button, action) {
  if (button) button.disabled = true;
  try {
    return await action();
  } catch (e) {
    notify(e.message || String(e), true);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}
