// A thin chat app around the official `openai` npm package, for `chaosgate run --client`.
// Usage: node openai-node.mjs openai6|openai7 [maxRetries]
//   the first argument names the installed major (npm aliases in package.json); without maxRetries the
//   SDK's default applies. One call to chat.completions.create, streamed when CHAOSGATE_STREAM=true;
//   every retry is the SDK's own.
import { answered, failed, connectionMessage, messageForStatus, MESSAGES, settings } from './lib/screen.mjs';

const [pkg = 'openai6', maxRetriesArg] = process.argv.slice(2);
const { default: OpenAI, APIError } = await import(pkg);
const { baseURL, apiKey, prompt, stream, model } = settings();

const client = new OpenAI({ baseURL, apiKey, ...(maxRetriesArg === undefined ? {} : { maxRetries: Number(maxRetriesArg) }) });

// The SDK's errors: APIError subclasses carry the status and the parsed `error` object (the raw
// text as message when the body is not JSON); connection failures and timeouts have no status.
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
// Streamed: the app trusts the SDK to end the iteration on [DONE] and to throw on a broken stream.
let text = '';
try {
  for await (const chunk of response) text += chunk.choices?.[0]?.delta?.content ?? '';
} catch {
  failed(prompt, MESSAGES.interrupted, text);
  process.exit(0);
}
answered(text);
