// Settings: what the server keeps beside the profiles (no LLM: that lives in the active profile).
import { call } from './api.js';
import { $, safeJson } from './dom.js';

export async function refresh() {
  const settings = await call('GET', 'api/settings');
  $('#settings-active').textContent = settings.active_profile ?? 'none';
  $('#settings-key-set').textContent = settings.llm_api_key_is_set ? 'yes' : 'no';
  $('#settings-agent').textContent = safeJson(settings.agent_settings ?? {});
  $('#settings-conversation').textContent = safeJson(settings.conversation_settings ?? {});
  $('#settings-misc').textContent = safeJson(settings.misc_settings ?? {});
}
