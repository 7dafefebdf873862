// A thin chat app around the official `@anthropic-ai/sdk` npm package, for `chaosgate run --client`.
// Usage: node anthropic-node.mjs [maxRetries]
//   without maxRetries the SDK's default applies. One call to messages.create on the Messages API
//   (POST /v1/messages, which chaosgate answers in Anthropic's wire dialect), streamed when
//   CHAOSGATE_STREAM=true; every retry is the SDK's own.
import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { answered, failed, connectionMessage, messageForStatus, MESSAGES, settings } from './lib/screen.mjs';

const [maxRetriesArg] = process.argv.slice(2);
const { apiKey, prompt, stream } = settings();
// The SDK appends /v1/messages to its base URL itself: it takes the origin, not chaosgate's /v1 base URL.
const baseURL = process.env.CHAOSGATE_ORIGIN ?? process.env.CHAOSGATE_BASE_URL.replace(/\/v1\/?$/, '');
const model = 'claude-sonnet-4-5';

const client = new Anthropic({ baseURL, apiKey, ...(maxRetriesArg === undefined ? {} : { maxRetries: Number(maxRetriesArg) }) });

// The SDK's errors: APIError subclasses carry the status and the parsed body, whose `error` object has
// Anthropic's type (overloaded_error, rate_limit_error, ...); an `event: error` inside a stream is an
// APIError without a status; connection failures and timeouts have no status either.
function messageFor(err) {
  if (err instanceof APIError && err.status >= 400) return messageForStatus(err.status, err.error?.error, err.message);
  return connectionMessage(err);
}

const request = {
  model,
  max_tokens: 1024,
  system: 'You are a helpful assistant in a chat app.',
  messages: [{ role: 'user', content: prompt }],
};

let response;
try {
  response = await client.messages.create({ ...request, stream });
} catch (err) {
  failed(prompt, messageFor(err));
  process.exit(0);
}
if (!stream) {
  answered(response.content.filter((block) => block.type === 'text').map((block) => block.text).join(''));
  process.exit(0);
}
// Streamed: the app trusts the SDK to end the iteration at the end of the stream and to throw on a broken
// one (an `event: error`, a reset), as its docs show; it does not check for message_stop itself.
let text = '';
try {
  for await (const event of response) {
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
  }
} catch {
  failed(prompt, MESSAGES.interrupted, text);
  process.exit(0);
}
answered(text);
