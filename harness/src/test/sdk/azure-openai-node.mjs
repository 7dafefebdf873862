// A thin chat app around the `openai` npm package's AzureOpenAI client, for `chaosgate run --client`.
// Usage: node azure-openai-node.mjs [maxRetries]
//   One call to chat.completions.create on a deployment URL (POST /openai/deployments/{deployment}/chat/completions
//   ?api-version=..., key in `api-key`), which chaosgate answers in its Azure OpenAI wire dialect; streamed when
//   CHAOSGATE_STREAM=true. Every retry is the SDK's own (AzureOpenAI extends OpenAI: the same makeRequest).
import { AzureOpenAI, APIError } from 'openai6';
import { answered, failed, connectionMessage, messageForStatus, MESSAGES, settings } from './lib/screen.mjs';

const [maxRetriesArg] = process.argv.slice(2);
const { apiKey, prompt, stream, model } = settings();
// The resource's base URL is {origin}/openai; the client adds /deployments/{deployment}/... itself. It is given
// explicitly: left out, AzureOpenAI reads OPENAI_BASE_URL (chaosgate's /v1 URL), and `endpoint` beside it is refused.
const origin = process.env.CHAOSGATE_ORIGIN ?? process.env.CHAOSGATE_BASE_URL.replace(/\/v1\/?$/, '');

const client = new AzureOpenAI({
  baseURL: `${origin}/openai`,
  apiKey,
  apiVersion: '2024-10-21',
  deployment: model,
  ...(maxRetriesArg === undefined ? {} : { maxRetries: Number(maxRetriesArg) }),
});

function messageFor(err) {
  if (err instanceof APIError && err.status >= 400) return messageForStatus(err.status, err.error, err.message);
  return connectionMessage(err);
}

let response;
try {
  response = await client.chat.completions.create({ model, messages: [{ role: 'user', content: prompt }], stream });
} catch (err) {
  failed(prompt, messageFor(err));
  process.exit(0);
}
if (!stream) {
  answered(response.choices?.[0]?.message?.content ?? '');
  process.exit(0);
}
// Streamed: Azure's first chunk has no choice (its prompt filter results); the app trusts the SDK for the end.
let text = '';
try {
  for await (const chunk of response) text += chunk.choices?.[0]?.delta?.content ?? '';
} catch {
  failed(prompt, MESSAGES.interrupted, text);
  process.exit(0);
}
answered(text);
