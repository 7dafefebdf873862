// A small chat front end of the kind app teams write around the OpenAI HTTP API, without an SDK:
// one user action (send the prompt, show the answer or a message) per run. The corpus clients in
// ../good and ../flawed are this app in different styles (backoff policy, API, transport, language,
// where the prompt is kept); each flawed client switches on exactly one `flaw`.
//
// Written from the public client protocol of `chaosgate run --client` only: stdout is the screen
// (`SHOWN:` lines, `SHOWN[key]:` for apps with message keys, `THREAD:` when the failed message stays
// in the conversation, one `DRAFT:` line for the composer at the end).
import http from 'node:http';

const env = process.env;
export const BASE_URL = (env.CHAOSGATE_BASE_URL || env.OPENAI_BASE_URL || 'http://127.0.0.1:8080/v1').replace(/\/$/, '');
export const PROMPT = env.CHAOSGATE_PROMPT || 'Hello';
const API_KEY = env.OPENAI_API_KEY || 'sk-test';
const MODEL = 'gpt-4o-mini';

/** The screen: each text shown goes out at once, so a client stopped while waiting keeps what it showed. */
export const screen = {
  show(text, key) {
    const line = String(text).replace(/\r?\n/g, '\\n');
    process.stdout.write(key ? `SHOWN[${key}]: ${line}\n` : `SHOWN: ${line}\n`);
  },
  thread(text) { process.stdout.write(`THREAD: ${String(text).replace(/\r?\n/g, '\\n')}\n`); },
  draft(text) { process.stdout.write(`DRAFT: ${text}\n`); },
};

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

// ---------------------------------------------------------------- backoff policies (ms, n = retry index from 0)

export const backoff = {
  /** Exponential with up to 25 % downward jitter, as the official SDKs: ~0.5 s, 1 s, 2 s. */
  exponential: (base = 500, cap = 8000) => (n) => Math.min(cap, base * 2 ** n) * (1 - 0.25 * Math.random()),
  /** AWS "full jitter": uniform between 0 and the exponential ceiling. */
  fullJitter: (base = 200, cap = 4000) => (n) => Math.random() * Math.min(cap, base * 2 ** n),
  /** AWS "equal jitter": half the ceiling fixed, half random. */
  equalJitter: (base = 1000, cap = 8000) => (n) => {
    const ceiling = Math.min(cap, base * 2 ** n);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  },
  /** AWS "decorrelated jitter": uniform between base and three times the previous wait. */
  decorrelated: (base = 300, cap = 5000) => {
    let previous = base;
    return () => {
      previous = Math.min(cap, base + Math.random() * (previous * 3 - base));
      return previous;
    };
  },
  fixed: (ms) => () => ms,
};

// ---------------------------------------------------------------- Retry-After

/** The wait the answer asks for, in ms: retry-after-ms first, then Retry-After (seconds or HTTP-date). */
export function askedWait(headers) {
  const ms = headers['retry-after-ms'];
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return { ms: Number(ms) };
  const value = headers['retry-after'];
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return { ms: Number(text) * 1000 };
  if (/^-/.test(text)) return null;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;               // "soon, probably": our own backoff applies
  const wait = date - Date.now();
  return wait > 0 ? { ms: wait } : null;             // a past date means "now": our own backoff applies
}

// ---------------------------------------------------------------- failures

/** A failed attempt: what happened, whether a retry can help, and which message to show. */
export class Failure extends Error {
  constructor(kind, { status = 0, body = '', headers = {}, retryable = false, timeout = false, cause, partial = '' } = {}) {
    super(`${kind}${status ? ` (${status})` : ''}`);
    Object.assign(this, { kind, status, body, headers, retryable, timeout, cause, partial });
  }
}

/** Decides from the status, x-should-retry and the body, never from the exception type alone. */
export function classify(status, headers, body) {
  const text = String(body || '');
  let kind; let retryable;
  if (status === 429) {
    if (/insufficient_quota|credit_balance|exceeded your current quota|billing/i.test(text)) { kind = 'quota_exhausted'; retryable = false; }
    else if (/request too large|must be reduced/i.test(text)) { kind = 'request_too_large'; retryable = false; }
    else { kind = 'rate_limited'; retryable = true; }
  } else if (status === 403) {
    kind = /unsupported_country|region|territory/i.test(text) ? 'region_blocked' : 'access_denied'; retryable = false;
  } else if (status === 401) { kind = 'authentication_failed'; retryable = false; }
  else if (status === 404) { kind = /model/i.test(text) ? 'model_not_found' : 'invalid_request'; retryable = false; }
  else if (status === 400 || status === 413 || status === 422) { kind = 'invalid_request'; retryable = false; }
  else if (status === 408 || status === 409) { kind = 'timeout'; retryable = true; }
  else if (status === 503) { kind = 'unavailable'; retryable = true; }
  else if (status === 504 || status === 524) { kind = 'timeout'; retryable = true; }
  else if (status === 500) { kind = 'server_error'; retryable = true; }
  else if (status >= 500) { kind = 'bad_gateway'; retryable = true; }
  else { kind = 'invalid_request'; retryable = false; }
  const shouldRetry = String(headers['x-should-retry'] || '').toLowerCase();
  if (shouldRetry === 'false') retryable = false;
  if (shouldRetry === 'true') retryable = true;
  return new Failure(kind, { status, body: text, headers, retryable, timeout: kind === 'timeout' });
}

// ---------------------------------------------------------------- transports

/**
 * One HTTP attempt: resolves with { status, headers, chunks } once the head arrived, where chunks is an
 * async iterable of Buffers; rejects on a connection failure. mode: 'fetch' (undici, pooled),
 * 'keep-alive' (node:http, one pooled socket) or 'fresh' (node:http, a new connection per attempt).
 */
const keepAliveAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function openRequest(mode, path, payload, signal) {
  const url = `${BASE_URL}${path}`;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}`, accept: payload.stream ? 'text/event-stream' : 'application/json' };
  const body = JSON.stringify(payload);
  if (mode === 'fetch') {
    return fetch(url, { method: 'POST', headers, body, signal }).then((res) => {
      const h = {};
      res.headers.forEach((v, k) => { h[k] = v; });
      return { status: res.status, headers: h, chunks: res.body ?? [] };
    });
  }
  return new Promise((resolve, reject) => {
    const options = { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } };
    if (mode === 'fresh') { options.agent = false; options.headers.connection = 'close'; } else { options.agent = keepAliveAgent; }
    const req = http.request(url, options, (res) => resolve({ status: res.statusCode, headers: res.headers, chunks: res }));
    req.on('error', reject);
    signal.addEventListener('abort', () => req.destroy(Object.assign(new Error('aborted'), { name: 'AbortError' })), { once: true });
    req.end(body);
  });
}

/** Reads chunks as text, failing when none comes for idleMs; onText gets each decoded piece. */
async function readBody(response, controller, idleMs, onText) {
  const decoder = new TextDecoder();
  let idle;
  const arm = () => { clearTimeout(idle); if (idleMs) idle = setTimeout(() => controller.abort(), idleMs); };
  arm();
  try {
    for await (const chunk of response.chunks) {
      arm();
      if (onText(decoder.decode(chunk, { stream: true })) === 'stop') break;
    }
  } finally {
    clearTimeout(idle);
  }
}

// ---------------------------------------------------------------- SSE, parsed by hand

/** Splits an event stream into events ({ event, data }) as text arrives. */
export function sseParser(onEvent) {
  let buffer = '';
  let event = null; let data = [];
  return (text) => {
    buffer += text;
    let newline;
    while ((newline = buffer.search(/\r?\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer[newline] === '\r' ? 2 : 1));
      if (line === '') {
        if (data.length) { if (onEvent({ event, data: data.join('\n') }) === 'stop') return 'stop'; }
        event = null; data = [];
      } else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      else if (line.startsWith('event:')) event = line.slice(6).trim();
    }
    return undefined;
  };
}

// ---------------------------------------------------------------- one model call (one attempt)

/**
 * Sends one request and reads its answer in full. Returns { text, toolCalls } or throws a Failure.
 * A stream that ends without [DONE] / response.completed, carries an error frame, is reset or goes
 * quiet throws a Failure of kind 'interrupted' with the text received so far.
 */
export async function callOnce(style, payload, onDelta) {
  const controller = new AbortController();
  const headerTimer = style.headerTimeoutMs ? setTimeout(() => controller.abort(), style.headerTimeoutMs) : null;
  const path = style.api === 'responses' ? '/responses' : '/chat/completions';
  let response;
  try {
    response = await openRequest(style.transport, path, payload, controller.signal);
  } catch (error) {
    clearTimeout(headerTimer);
    const timedOut = controller.signal.aborted;
    throw new Failure(timedOut ? 'timeout' : 'connection_failure', { retryable: true, timeout: timedOut, cause: error });
  }
  clearTimeout(headerTimer);
  if (response.status >= 400) {
    let body = '';
    try { await readBody(response, controller, style.idleTimeoutMs, (t) => { body += t; }); } catch { /* the status says enough */ }
    throw classify(response.status, response.headers, body);
  }
  if (payload.stream) return readStream(style, response, controller, onDelta);
  let body = '';
  try {
    await readBody(response, controller, style.idleTimeoutMs, (t) => { body += t; });
  } catch (error) {
    throw new Failure(controller.signal.aborted ? 'timeout' : 'connection_failure', { retryable: true, timeout: controller.signal.aborted, cause: error });
  }
  let json;
  try { json = JSON.parse(body); } catch { throw new Failure('bad_gateway', { status: response.status, body, retryable: true }); }
  return style.api === 'responses' ? fromResponses(json) : fromChat(json);
}

function fromChat(json) {
  const message = json?.choices?.[0]?.message ?? {};
  return { text: message.content ?? '', toolCalls: (message.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function?.name, arguments: c.function?.arguments ?? '{}' })) };
}

function fromResponses(json) {
  let text = typeof json.output_text === 'string' ? json.output_text : '';
  const toolCalls = [];
  for (const item of json.output ?? []) {
    if (item.type === 'message' && !text) text = (item.content ?? []).filter((c) => c.type === 'output_text').map((c) => c.text).join('');
    if (item.type === 'function_call') toolCalls.push({ id: item.call_id, name: item.name, arguments: item.arguments ?? '{}' });
  }
  return { text, toolCalls };
}

async function readStream(style, response, controller, onDelta) {
  let text = '';
  let complete = false; let failed = null;
  const toolCalls = [];
  const parse = sseParser(({ event, data }) => {
    if (style.api !== 'responses') {
      if (data.trim() === '[DONE]') { complete = true; return 'stop'; }
      let json; try { json = JSON.parse(data); } catch { return undefined; }
      if (json.error) { failed = 'error frame'; return 'stop'; }
      const delta = json.choices?.[0]?.delta ?? {};
      if (delta.content) { text += delta.content; onDelta?.(text); }
      for (const call of delta.tool_calls ?? []) {
        const slot = toolCalls[call.index ?? 0] ??= { id: call.id, name: '', arguments: '' };
        if (call.id) slot.id = call.id;
        if (call.function?.name) slot.name += call.function.name;
        if (call.function?.arguments) slot.arguments += call.function.arguments;
      }
      return undefined;
    }
    let json; try { json = JSON.parse(data); } catch { return undefined; }
    const type = json.type || event;
    if (type === 'response.output_text.delta') { text += json.delta ?? ''; onDelta?.(text); }
    else if (type === 'response.completed') {
      complete = true;
      const final = fromResponses(json.response ?? {});
      toolCalls.push(...final.toolCalls);
      return 'stop';
    } else if (type === 'error' || type === 'response.failed' || type === 'response.incomplete') { failed = type; return 'stop'; }
    return undefined;
  });
  try {
    await readBody(response, controller, style.idleTimeoutMs, parse);
  } catch (error) {
    failed = controller.signal.aborted ? 'stalled' : 'connection lost';
  }
  if (!complete && !style.flaw?.cutStreamIsComplete) failed ??= 'ended early';
  if (failed) throw new Failure('interrupted', { retryable: false, partial: text, cause: failed });
  return { text, toolCalls: toolCalls.filter(Boolean) };
}

// ---------------------------------------------------------------- the request body

export function buildPayload(style, prompt, extraTurns = [], { stream, tools } = {}) {
  const payload = { model: MODEL, stream: Boolean(stream) };
  if (style.api === 'responses') {
    if (style.instructions) payload.instructions = style.instructions;
    const input = [];
    if (style.developerMessage) input.push({ role: 'developer', content: style.developerMessage });
    input.push({ role: 'user', content: prompt }, ...extraTurns);
    payload.input = input;
    if (tools) payload.tools = tools.map((t) => ({ type: 'function', name: t.name, description: t.description, parameters: t.parameters }));
  } else {
    const messages = [];
    if (style.systemMessage) messages.push({ role: 'system', content: style.systemMessage });
    messages.push({ role: 'user', content: prompt }, ...extraTurns);
    payload.messages = messages;
    if (tools) payload.tools = tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
  }
  return payload;
}

// ---------------------------------------------------------------- the retry loop around one step

/**
 * Sends one step of the action with retries: retryable failures are retried with the style's
 * backoff (or the Retry-After asked, when it is usable and at most retryAfterCapMs) up to
 * maxAttempts, at most maxTimeoutAttempts of which may end in a timeout. Returns the result or
 * throws the last Failure.
 */
export async function withRetries(style, makePayload, onDelta) {
  const flaw = style.flaw ?? {};
  const maxAttempts = flaw.maxAttempts ?? style.maxAttempts ?? 3;
  const maxTimeoutAttempts = flaw.maxTimeoutAttempts ?? style.maxTimeoutAttempts ?? 2;
  const nextWait = style.backoff();
  let timeouts = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await callOnce(style, makePayload(attempt), onDelta);
    } catch (failure) {
      if (!(failure instanceof Failure)) throw failure;
      if (failure.timeout) timeouts++;
      let retryable = failure.retryable;
      if (flaw.retryEvery429 && failure.status === 429) retryable = true;
      if (flaw.ignoreShouldRetry && failure.status >= 500 && String(failure.headers['x-should-retry']).toLowerCase() === 'false') retryable = true;
      if (flaw.replayInterruptedStream && failure.kind === 'interrupted') retryable = true;
      const budget = flaw.timeoutOnlyBudget && !failure.timeout ? (style.maxAttempts ?? 3) : maxAttempts;
      const outOfBudget = attempt >= budget || (failure.timeout && timeouts >= maxTimeoutAttempts);
      if (!retryable || outOfBudget) throw failure;
      const asked = flaw.ignoreRetryAfter ? null : askedWait(failure.headers ?? {});
      let wait;
      if (asked && asked.ms > (style.retryAfterCapMs ?? 60000)) {
        if (style.absurdRetryAfter === 'give-up') { failure.kind = 'asked_to_wait'; throw failure; }
        wait = nextWait(attempt - 1);                  // an absurd value: fall back to our own backoff
      } else if (asked) {
        wait = asked.ms + 100 + Math.random() * 150;   // at least what was asked, plus a little jitter
      } else {
        wait = nextWait(attempt - 1);
      }
      if (failure.timeout && flaw.timeoutRetryWaitMs !== undefined) wait = flaw.timeoutRetryWaitMs;
      if (flaw.noWait) wait = 0;
      style.onRetry?.(failure, wait, attempt);
      await sleep(wait);
    }
  }
}

// ---------------------------------------------------------------- the whole user action

const WEATHER_TOOL = {
  name: 'get_order_status',
  description: 'Looks up the delivery status of an order by its number.',
  parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
};

/** Runs a tool call the model asked for (a local lookup, as an app's function would). */
function runTool(call) {
  let args = {};
  try { args = JSON.parse(call.arguments || '{}'); } catch { /* keep empty */ }
  return JSON.stringify({ order_id: args.order_id ?? 'unknown', status: 'shipped', eta_days: 2 });
}

/**
 * The user typed PROMPT and pressed Send. Shows the answer (and, for some styles, a title) or a
 * message; keeps the prompt in the composer or the thread on failure.
 */
export async function runChat(style) {
  const flaw = style.flaw ?? {};
  const wantsStream = style.stream === 'always' || (style.stream !== 'never' && env.CHAOSGATE_STREAM === 'true');
  const say = (key, ...args) => {
    const entry = style.messages[key] ?? style.messages.fallback;
    return typeof entry === 'function' ? entry(...args) : entry;
  };
  style.onRetry ??= (failure, wait) => {
    if (style.retryNotices) screen.show(say('retrying', failure, Math.max(1, Math.round(wait / 1000))));
  };
  let partial = '';
  try {
    const turns = [];
    let result;
    for (let step = 0; ; step++) {
      const tools = style.tools && step < 2 ? [WEATHER_TOOL] : undefined;
      const stepTurns = [...turns];
      result = await withRetries(style, (attempt) => {
        const prompt = flaw.rewritePromptOnRetry && attempt > 1 ? `Please answer again: ${PROMPT}` : PROMPT;
        return buildPayload(style, prompt, stepTurns, { stream: wantsStream, tools });
      }, (text) => { partial = text; });
      if (!style.tools || !result.toolCalls.length || step >= 2) break;
      // The model asked for a tool: run it and send the result back, in the same user action.
      for (const call of result.toolCalls) {
        if (style.api === 'responses') {
          turns.push({ type: 'function_call', call_id: call.id, name: call.name, arguments: call.arguments });
          turns.push({ type: 'function_call_output', call_id: call.id, output: runTool(call) });
        } else {
          turns.push({ role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }] });
          turns.push({ role: 'tool', tool_call_id: call.id, content: runTool(call) });
        }
      }
      partial = '';
    }
    screen.show(result.text || say('empty_answer'));
    if (style.titleCall) await showTitle(style);
    screen.draft('');
  } catch (failure) {
    if (!(failure instanceof Failure)) throw failure;
    if (failure.kind === 'interrupted' && (failure.partial || partial)) screen.show(failure.partial || partial);
    showFailure(style, failure, say);
    if (flaw.clearComposer) screen.draft('');
    else if (style.keepPrompt === 'thread') { screen.thread(PROMPT); screen.draft(''); }
    else screen.draft(PROMPT);
  }
}

/** The message the user is left with: one per failure class, in the app's language. */
function showFailure(style, failure, say) {
  const flaw = style.flaw ?? {};
  if (flaw.silentAfterGivingUp) return;
  if (flaw.genericMessage) { screen.show(flaw.genericMessage); return; }
  if (flaw.rawErrorDetails) {
    const detail = failure.body || String(failure.cause ?? failure.message);
    screen.show(JSON.stringify({ error: { status: failure.status || null, message: detail } }));
  }
  const key = {
    quota_exhausted: 'quota_exhausted', request_too_large: 'request_too_large', access_denied: 'access_denied',
    region_blocked: 'access_denied', authentication_failed: 'authentication_failed', model_not_found: 'invalid_request',
    invalid_request: 'invalid_request', unavailable: 'unavailable', asked_to_wait: 'unavailable', rate_limited: 'rate_limited',
    bad_gateway: 'bad_gateway', server_error: 'server_error', timeout: 'connection_failure',
    connection_failure: 'connection_failure', interrupted: 'stream_interrupted',
  }[failure.kind] ?? 'bad_gateway';
  screen.show(say(failure.kind, failure), style.messageKeys ? key : undefined);
}

/** A second, separate call after the answer: a short title for the chat list. Failures are silent. */
async function showTitle(style) {
  const payload = buildPayload({ ...style, instructions: undefined, developerMessage: undefined, systemMessage: undefined },
    `Write a short title for this chat: ${PROMPT}`, [], { stream: false });
  try {
    const { text } = await callOnce({ ...style, headerTimeoutMs: 10000 }, payload);
    const title = text.split(/\s+/).slice(0, 6).join(' ').replace(/[."]+$/, '');
    if (title) screen.show(`Chat title: ${title}`);
  } catch { /* the chat keeps its default title */ }
}

/** The defaults every style starts from; a client overrides what makes it different. */
export function style(overrides) {
  return {
    api: 'chat',
    transport: 'fetch',
    stream: 'env',
    backoff: () => backoff.exponential(),
    maxAttempts: 3,
    maxTimeoutAttempts: 2,
    headerTimeoutMs: 15000,
    idleTimeoutMs: 5000,
    retryAfterCapMs: 60000,
    absurdRetryAfter: 'own-backoff',
    keepPrompt: 'composer',
    retryNotices: false,
    ...overrides,
  };
}
