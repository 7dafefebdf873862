// A thin chat app around Google's `@google/genai` npm package (the Gemini API), for `chaosgate run --client`.
// Usage: node gemini-node.mjs [attempts]
//   without attempts the SDK's default applies: no httpOptions.retryOptions, so one attempt. With attempts the
//   app opts in to the SDK's retries (httpOptions.retryOptions: { attempts }). One call to models.generateContent
//   (POST /v1/models/{model}:generateContent, the 3.x default API version, key in x-goog-api-key), which chaosgate
//   answers in its Gemini wire dialect; models.generateContentStream (:streamGenerateContent?alt=sse) when
//   CHAOSGATE_STREAM=true.
import { GoogleGenAI, ApiError } from '@google/genai';
import { answered, failed, connectionMessage, messageForStatus, parseErrorBody, MESSAGES, settings } from './lib/screen.mjs';

const [attemptsArg] = process.argv.slice(2);
const { prompt, stream } = settings();
// The SDK builds {baseUrl}/v1beta/models/...: it takes the origin, not chaosgate's /v1 base URL.
const baseUrl = process.env.CHAOSGATE_ORIGIN ?? process.env.CHAOSGATE_BASE_URL.replace(/\/v1\/?$/, '');
const model = 'gemini-2.5-flash';

const ai = new GoogleGenAI({
  apiKey: 'test',
  httpOptions: { baseUrl, ...(attemptsArg === undefined ? {} : { retryOptions: { attempts: Number(attemptsArg) } }) },
});

// The SDK's errors: an ApiError carries the status, and as its message the error body as JSON text (a body that
// is not JSON becomes {"error":{"message":<text>,...}}). A Gemini 429 says "You exceeded your current quota" for a
// per-minute rate limit as for a used-up daily quota; the google.rpc.QuotaFailure's quotaId tells them apart.
function messageFor(err) {
  if (err instanceof ApiError && err.status >= 400) {
    const error = parseErrorBody(err.message);
    const text = `${error?.message ?? ''}`;
    const quotaIds = (Array.isArray(error?.details) ? error.details : [])
      .flatMap((detail) => detail.violations ?? []).map((violation) => `${violation.quotaId ?? ''}`);
    if (err.status === 429 && /exceeds the maximum number of tokens/i.test(text)) return MESSAGES.tooLarge;
    if (err.status === 429 && quotaIds.length > 0) return quotaIds.some((id) => /PerDay/.test(id)) ? MESSAGES.quota : MESSAGES.rateLimited;
    if (/User location is not supported/i.test(text)) return MESSAGES.region;
    return messageForStatus(err.status, error, err.message);
  }
  return connectionMessage(err);
}

const request = {
  model,
  contents: prompt,
  config: { systemInstruction: 'You are a helpful assistant in a chat app.' },
};

let response;
try {
  response = stream ? await ai.models.generateContentStream(request) : await ai.models.generateContent(request);
} catch (err) {
  failed(prompt, messageFor(err));
  process.exit(0);
}
if (!stream) {
  answered(response.text ?? '');
  process.exit(0);
}
// Streamed: the app trusts the SDK to end the iteration at the end of the answer and to throw on a broken stream,
// as its docs show (`for await (const chunk of response) console.log(chunk.text)`); it does not look for a
// finishReason itself.
let text = '';
try {
  for await (const chunk of response) text += chunk.text ?? '';
} catch {
  failed(prompt, MESSAGES.interrupted, text);
  process.exit(0);
}
answered(text);
