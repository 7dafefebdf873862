// One user of a crowd, for `chaosgate run --users N --client "node crowd-client.mjs MODE"`: no dependencies,
// Node's own fetch, one flaw chosen by MODE.
//
//   naive      retries at once, ignores Retry-After, up to 8 attempts (a retry storm)
//   no-jitter  waits exactly what retry-after-ms or Retry-After asks, up to 3 attempts (a thundering herd)
//
// CROWD_NAIVE_USER=user-2 makes only that user naive and the others no-jitter; CROWD_NO_MARKER=1 leaves out the
// X-Chaosgate-User header that names the user (CHAOSGATE_USER); CROWD_MAX_ATTEMPTS=2 caps a no-jitter user's attempts. Prints the client protocol's SHOWN:/DRAFT: lines.

const env = process.env;
const naive = env.CROWD_NAIVE_USER ? env.CHAOSGATE_USER === env.CROWD_NAIVE_USER : process.argv[2] === 'naive';
const maxAttempts = naive ? 8 : Number(env.CROWD_MAX_ATTEMPTS ?? '3');
const headers = { 'content-type': 'application/json', authorization: 'Bearer ' + env.OPENAI_API_KEY };
if (env.CROWD_NO_MARKER !== '1') {
  headers['x-chaosgate-user'] = env.CHAOSGATE_USER;
}
const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: env.CHAOSGATE_PROMPT }] });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let status = 0;
for (let attempt = 1; attempt <= maxAttempts; attempt++) {
  const response = await fetch(env.CHAOSGATE_BASE_URL + '/chat/completions', { method: 'POST', headers, body });
  status = response.status;
  const text = await response.text();
  if (status === 200) {
    console.log('SHOWN: ' + JSON.parse(text).choices[0].message.content.replace(/\n/g, ' '));
    console.log('DRAFT: ');
    process.exit(0);
  }
  if (attempt < maxAttempts && !naive) {
    const ms = Number(response.headers.get('retry-after-ms'));
    const seconds = Number(response.headers.get('retry-after'));
    await sleep(ms > 0 ? ms : seconds > 0 ? seconds * 1000 : 1000);
  }
}
console.log(status === 429
  ? "SHOWN: Too many requests right now — the AI service's rate limit was reached. Your prompt is saved; wait a few seconds and try again."
  : 'SHOWN: The AI service is busy right now (overloaded). Your prompt is saved — try again in a few minutes.');
console.log('DRAFT: ' + env.CHAOSGATE_PROMPT);
