// Drives the agent server's /v1 gateway with the official openai npm client, as any OpenAI app would.
import OpenAI from 'openai';

const baseURL = process.env.GATEWAY_URL;
const model = process.env.MODEL;
const client = new OpenAI({ baseURL, apiKey: process.env.SESSION_KEY, maxRetries: 0, timeout: 60000 });
const out = {};

out.models = [];
for await (const m of client.models.list()) out.models.push(m);

out.completion = await client.chat.completions.create({
  model,
  messages: [{ role: 'system', content: 'Answer in one line.' }, { role: 'user', content: 'Say hello' }],
});

const stream = await client.chat.completions.create({
  model,
  messages: [{ role: 'user', content: 'Stream a reply' }],
  stream: true,
  stream_options: { include_usage: true },
});
out.chunks = [];
for await (const chunk of stream) out.chunks.push(chunk);

try {
  await client.chat.completions.create({ model: 'openhands_ghost', messages: [{ role: 'user', content: 'x' }] });
  out.missing = null;
} catch (e) {
  out.missing = { status: e.status, type: e.type, code: e.code, message: e.message };
}

try {
  await new OpenAI({ baseURL, apiKey: 'sk-test-wrong-session-key', maxRetries: 0 }).models.list();
  out.unauthorized = null;
} catch (e) {
  out.unauthorized = { status: e.status, type: e.type, code: e.code };
}

process.stdout.write(JSON.stringify(out));
