// A chat client for `chaosgate run --client` whose habits are set by flags, so one file plays the
// good and the flawed clients of a test. No dependencies: Node's own fetch.
//
//   --timeout MS         give up an attempt after MS (0: never; the default)
//   --idle MS            give up a stream after MS without an event (0: never; the default)
//   --retries N          retries after a retryable failure (default 0)
//   --backoff MS         wait before a retry when the answer asks for nothing (default 300)
//   --cap-wait MS        wait at most MS when Retry-After asks for longer (default: wait what it says)
//   --refuse-wait-over S give up at once, with "asks to wait" guidance, when Retry-After asks for more than S seconds
//   --stream chat|responses   stream the answer with that API (default: chat, not streamed)
//   --replay-streams     retry a stream that failed even after text was shown (a flaw)
//
// Prints `SHOWN: <text>` for what the user sees and `DRAFT: <text>` for the composer at the end.

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : args[i + 1];
};
const has = (name) => args.includes(name);

const base = process.env.OPENAI_BASE_URL;
const prompt = process.env.CHAOSGATE_PROMPT;
const timeout = Number(flag('--timeout', '0'));
const idle = Number(flag('--idle', '0'));
const retries = Number(flag('--retries', '0'));
const backoff = Number(flag('--backoff', '300'));
const capWait = flag('--cap-wait', null);
const refuseWaitOver = flag('--refuse-wait-over', null);
const stream = flag('--stream', null);
const replayStreams = has('--replay-streams');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const show = (text) => console.log('SHOWN: ' + text.replace(/\n/g, '\\n'));

function request() {
  const headers = { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.OPENAI_API_KEY };
  if (stream === 'responses') {
    return { url: base + '/responses', headers, body: JSON.stringify({ model: 'gpt-4o-mini', input: prompt, stream: true }) };
  }
  const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] };
  if (stream === 'chat') {
    body.stream = true;
  }
  return { url: base + '/chat/completions', headers, body: JSON.stringify(body) };
}

/** Seconds asked for by retry-after-ms or Retry-After (seconds only), or null. */
function askedWait(response) {
  const ms = response.headers.get('retry-after-ms');
  if (ms !== null && /^\d+$/.test(ms)) {
    return Number(ms) / 1000;
  }
  const seconds = response.headers.get('retry-after');
  return seconds !== null && /^\d+$/.test(seconds) ? Number(seconds) : null;
}

/** Reads an event stream; resolves {text, complete}; text is what was shown so far. */
async function readStream(response, controller) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  let text = '';
  let complete = false;
  let failed = false;
  while (true) {
    let timer;
    const idleTimeout = idle > 0 ? new Promise((_, reject) => {
      timer = setTimeout(() => { controller.abort(); reject(new Error('idle')); }, idle);
    }) : null;
    let chunk;
    try {
      chunk = idleTimeout ? await Promise.race([reader.read(), idleTimeout]) : await reader.read();
    } catch (e) {
      return { text, complete: false };
    } finally {
      clearTimeout(timer);
    }
    if (chunk.done) {
      break;
    }
    buffered += decoder.decode(chunk.value, { stream: true });
    let end;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const data = event.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
      if (data === '[DONE]') {
        complete = true;
        continue;
      }
      let json;
      try {
        json = JSON.parse(data);
      } catch (e) {
        continue;
      }
      if (json.error || json.type === 'error' || json.type === 'response.failed') {
        failed = true;
      } else if (json.type === 'response.output_text.delta') {
        text += json.delta;
      } else if (json.type === 'response.completed') {
        complete = true;
      } else if (json.choices && json.choices[0] && json.choices[0].delta && json.choices[0].delta.content) {
        text += json.choices[0].delta.content;
      }
    }
  }
  return { text, complete: complete && !failed };
}

/** One attempt: {answer} on success, else {failure, retryable, wait, shownText}. */
async function attempt() {
  const { url, headers, body } = request();
  const controller = new AbortController();
  const timer = timeout > 0 ? setTimeout(() => controller.abort(), timeout) : null;
  try {
    const response = await fetch(url, { method: 'POST', headers, body, signal: controller.signal });
    if (!response.ok) {
      await response.text().catch(() => '');
      const retryable = response.headers.get('x-should-retry') !== 'false'
        && (response.status === 408 || response.status === 429 || response.status >= 500);
      return { failure: response.status === 429 || response.status === 503 ? 'busy' : 'server', retryable, wait: askedWait(response) };
    }
    if (stream) {
      const { text, complete } = await readStream(response, controller);
      if (complete) {
        return { answer: text };
      }
      return { failure: 'interrupted', retryable: text === '' || replayStreams, shownText: text };
    }
    const json = await response.json();
    return { answer: json.choices[0].message.content };
  } catch (e) {
    return { failure: controller.signal.aborted ? 'timeout' : 'connection', retryable: true };
  } finally {
    clearTimeout(timer);
  }
}

const messages = {
  busy: 'The AI service is busy right now. Your message is kept; please try again in a few minutes.',
  server: 'The AI service had a temporary server problem. Your message is kept; try again shortly.',
  timeout: 'The AI service took too long to respond (timed out). Your message is kept; try again.',
  connection: 'The connection to the AI service failed. Your message is kept; try again shortly.',
  interrupted: 'The response was interrupted. Your message is kept; regenerate to try again.',
};

for (let tries = 0; ; tries++) {
  const result = await attempt();
  if (result.answer !== undefined) {
    show(result.answer);
    console.log('DRAFT: ');
    process.exit(0);
  }
  if (result.shownText) {
    show(result.shownText);
  }
  if (refuseWaitOver !== null && result.wait !== null && result.wait > Number(refuseWaitOver)) {
    show('The AI service is busy and asks us to wait a long time before trying again. Your message is kept; please try again later.');
    console.log('DRAFT: ' + prompt);
    process.exit(0);
  }
  if (!result.retryable || tries >= retries) {
    show(messages[result.failure]);
    console.log('DRAFT: ' + prompt);
    process.exit(0);
  }
  let wait = result.wait === null || result.wait === undefined ? backoff : result.wait * 1000;
  if (capWait !== null) {
    wait = Math.min(wait, Number(capWait));
  }
  await sleep(wait);
}
