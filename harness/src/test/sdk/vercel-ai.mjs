// A thin chat app around the Vercel AI SDK (`ai` + `@ai-sdk/openai`), for `chaosgate run --client`.
// Usage: node vercel-ai.mjs responses|chat
//   responses: the provider's default model, `openai(model)` (POST /v1/responses);
//   chat:      `openai.chat(model)` (POST /v1/chat/completions).
// One generateText call, or streamText when CHAOSGATE_STREAM=true, with the SDK's default maxRetries;
// every retry is the SDK's own.
import { createOpenAI } from '@ai-sdk/openai';
import { APICallError, generateText, RetryError, streamText } from 'ai';
import { answered, failed, connectionMessage, messageForStatus, MESSAGES, parseErrorBody, settings } from './lib/screen.mjs';

const api = process.argv[2] ?? 'responses';
const { baseURL, apiKey, prompt, stream, model: modelId } = settings();
const openai = createOpenAI({ baseURL, apiKey });
const model = api === 'chat' ? openai.chat(modelId) : openai(modelId);

// The SDK's errors: APICallError carries the status and the raw body; after its retries it throws a
// RetryError whose lastError is the last attempt's error.
function messageFor(err) {
  const last = RetryError.isInstance(err) ? err.lastError : err;
  // A status below 400 is the 200 of a stream that broke after it started: no HTTP error to explain.
  if (APICallError.isInstance(last) && last.statusCode >= 400) {
    return messageForStatus(last.statusCode, parseErrorBody(last.responseBody) ?? parseErrorBody(last.data), last.responseBody ?? last.message);
  }
  if (APICallError.isInstance(last) && last.statusCode) return MESSAGES.interrupted;
  return connectionMessage(last);
}

if (!stream) {
  try {
    const { text } = await generateText({ model, prompt });
    answered(text);
  } catch (err) {
    failed(prompt, messageFor(err));
  }
} else {
  // streamText never throws: a failure (before the stream or during it) arrives as an `error` part.
  const result = streamText({ model, prompt, onError: () => {} });
  let text = '';
  let error;
  try {
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') text += part.text;
      else if (part.type === 'error') error = part.error;
    }
  } catch (err) {
    error = err;
  }
  if (error === undefined) answered(text);
  else if (text) failed(prompt, MESSAGES.interrupted, text);
  else failed(prompt, APICallError.isInstance(error) || RetryError.isInstance(error) ? messageFor(error) : MESSAGES.interrupted);
}
