// A well-behaved chat client for `chaosgate run --client`: the official openai SDK does the retries
// (backoff with jitter, Retry-After, 408/409/429/5xx and connection errors, 3 attempts), and a small
// fetch wrapper adds what the SDK lacks. The screen protocol: `SHOWN: ` lines, then one `DRAFT: ` line.
import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

const env = process.env;
const prompt = env.CHAOSGATE_PROMPT ?? '';
const stream = env.CHAOSGATE_STREAM === 'true';
const IDLE_MS = 5000; // longest silence inside a body; the SDK's timeout stops at the headers
const MAX_TIMEOUT_ATTEMPTS = 2; // a timed-out request may have been applied: retry it once at most
const QUOTA = /insufficient_quota|credit_balance_exhausted|billing_hard_limit_reached|billing_not_active/;

const MESSAGES = {
  server: 'The service is temporarily unavailable (server error). Your prompt is kept; please try again in a moment.',
  badGateway: 'The service is temporarily unavailable (bad gateway). Your prompt is kept; please try again in a moment.',
  busy: 'The service is temporarily unavailable (busy or overloaded). Your prompt is kept; please try again in a moment.',
  timeout: 'The service took too long to respond and the connection timed out. Your prompt is kept; please try again.',
  connection: 'The connection to the service was interrupted. Your prompt is kept; please try again in a moment.',
  rateLimited: 'Too many requests right now. Your prompt is kept; please wait a moment and try again.',
  quota: 'Your quota is exhausted. Check your plan and billing details, or contact your administrator. Your prompt is kept.',
  tooLarge: 'This message is too long for the service. Shorten it or split it into parts; your draft is kept.',
  denied: "Access was denied by the service's firewall. Check your network or VPN, or contact support. Your prompt is kept.",
  region: 'The service is not offered in your country or region, so access was denied. Contact support if this is a mistake. Your prompt is kept.',
  auth: 'Authentication failed. Check your API key in the settings. Your prompt is kept.',
  notFound: 'The model "gpt-4o-mini" was not found. Choose another model in the settings. Your prompt is kept.',
  invalid: "The service did not accept the request: a parameter is missing or invalid. Check the app's configuration. Your prompt is kept.",
  interrupted: 'The response was interrupted before its end. Press Regenerate to try again; your prompt is kept.',
};

// The guidance class of an HTTP error. The status decides first: a Cloudflare 1015 rate-limit page
// (429) is titled "Access denied" too, so the body only refines 429s and unclassified 4xx.
function classify(status, error, text = '') {
  const code = `${error?.code ?? ''} ${error?.type ?? ''}`;
  if (status === 401) return 'auth';
  if (status === 403) return error?.code === 'unsupported_country_region_territory' ? 'region' : 'denied';
  if (status === 413) return 'tooLarge';
  if (status === 429) {
    if (QUOTA.test(code)) return 'quota';
    return /request_too_large/.test(code) || /^request too large/i.test(error?.message ?? '') ? 'tooLarge' : 'rateLimited';
  }
  if (status === 408 || status === 504 || status === 524) return 'timeout';
  if (status === 503 || status === 529) return 'busy';
  if (status === 502 || (status >= 520 && status <= 530)) return 'badGateway';
  if (status >= 500 || status === 409) return 'server';
  if (/error code:? 1020|access denied/i.test(text)) return 'denied';
  return status === 404 ? 'notFound' : 'invalid';
}
const RETRYABLE = new Set(['server', 'badGateway', 'busy', 'timeout', 'rateLimited']);

// Per user action: the SDK calls this fetch once per attempt, so it sees every attempt.
// - x-should-retry: false (which the SDK obeys) on 429s it would wrongly retry (quota, too large)
//   and on the second timeout-like answer;
// - stops the action after the second timeout of the SDK's own (it would retry twice);
// - an idle watchdog on every 200 body, and [DONE] detection (the SDK's iterator hides it).
function policyFetch(state) {
  return async (url, init) => {
    try {
      const res = await fetch(url, init);
      if (res.ok) return new Response(res.body && watch(res.body, state), res);
      const text = await res.text(); // small; still under the SDK's timeout here
      let error;
      try { error = JSON.parse(text)?.error; } catch { /* HTML or plain text */ }
      const kind = classify(res.status, error, text);
      const headers = new Headers(res.headers);
      if (kind === 'timeout' && ++state.timeouts >= MAX_TIMEOUT_ATTEMPTS) headers.set('x-should-retry', 'false');
      if (!RETRYABLE.has(kind) && !headers.has('x-should-retry')) headers.set('x-should-retry', 'false');
      return new Response(text, { status: res.status, statusText: res.statusText, headers });
    } catch (err) {
      // The SDK's own timeout aborted this attempt: on the second one, stop the action, which the
      // SDK reports as APIUserAbortError instead of retrying.
      if (init?.signal?.aborted && !state.stop.signal.aborted && ++state.timeouts >= MAX_TIMEOUT_ATTEMPTS) {
        state.stop.abort();
      }
      throw err;
    }
  };
}

// Errors the body when nothing arrives for IDLE_MS (cancelling the source closes the connection).
function watch(body, state) {
  let timer;
  let tail = '';
  const decoder = new TextDecoder();
  const arm = (controller) => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.idle = true; controller.error(new Error('idle')); }, IDLE_MS);
    timer.unref(); // never keep the process alive for a body nobody reads any more
  };
  return body.pipeThrough(new TransformStream({
    start: arm,
    transform(chunk, controller) {
      arm(controller);
      tail = (tail + decoder.decode(chunk, { stream: true })).slice(-64);
      if (/^data: ?\[DONE\]/m.test(tail)) state.done = true;
      controller.enqueue(chunk);
    },
    flush: () => clearTimeout(timer),
  }));
}

// The message for a failure before any answer arrived.
function messageFor(err, state) {
  if (err instanceof APIUserAbortError || err instanceof APIConnectionTimeoutError || state.idle) return MESSAGES.timeout;
  if (err instanceof APIError && err.status) return MESSAGES[classify(err.status, err.error, err.message)];
  return MESSAGES.connection;
}

function show(text) {
  for (const line of text.split(/\r?\n/)) console.log(`SHOWN: ${line}`);
}

async function main() {
  const state = { timeouts: 0, idle: false, done: false, stop: new AbortController() };
  const client = new OpenAI({
    baseURL: env.CHAOSGATE_BASE_URL ?? env.OPENAI_BASE_URL,
    apiKey: env.OPENAI_API_KEY ?? 'sk-chaosgate',
    maxRetries: 2,
    timeout: 12000, // above the 10 s a slow but working service may need for its first byte
    fetch: policyFetch(state),
  });
  const draft = prompt.replace(/\r?\n/g, ' '); // DRAFT is one line
  const request = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }], stream };

  let response;
  try {
    response = await client.chat.completions.create(request, { signal: state.stop.signal });
  } catch (err) {
    show(messageFor(err, state));
    console.log(`DRAFT: ${draft}`);
    return;
  }
  if (!stream) {
    show(response.choices?.[0]?.message?.content ?? '');
    console.log('DRAFT: ');
    return;
  }
  // The 200 has arrived: from here on nothing is replayed; a cut keeps the partial text.
  let text = '';
  let finished = false;
  let cut = false;
  try {
    for await (const chunk of response) {
      const choice = chunk.choices?.[0];
      text += choice?.delta?.content ?? '';
      if (choice?.finish_reason) finished = true;
    }
  } catch {
    cut = true; // a reset, an error frame or the idle timeout
  }
  // Complete only with a finish_reason or [DONE]: the SDK ends silently on a clean EOF.
  if (!cut && (finished || state.done)) {
    show(text);
    console.log('DRAFT: ');
    return;
  }
  if (text) show(text);
  show(MESSAGES.interrupted);
  console.log(`DRAFT: ${draft}`);
}

await main();
