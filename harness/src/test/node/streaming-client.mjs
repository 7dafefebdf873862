// A streaming chat client for `chaosgate run --client` that speaks client protocol 2: it streams every
// answer with the official openai SDK and prints the text so far as a `PARTIAL: ` line after each delta,
// so the harness knows the screen at every moment (a client stopped at --client-timeout is judged on it).
// A complete answer is printed once more as `SHOWN: `, which completes the partial text without a copy.
// The SDK's base URL is built from CHAOSGATE_ORIGIN, as for SDKs that append `/v1/...` themselves.
//
//   --mark-interrupted   on a cut stream, show an "interrupted, Regenerate" banner under the partial text
//                        and keep the prompt; without it the cut text is left as if complete (a flaw)
//
// No idle timeout of its own: a stalled stream keeps it waiting (the SDK's timeout is 10 minutes).
import OpenAI from 'openai';

const env = process.env;
const prompt = env.CHAOSGATE_PROMPT ?? '';
const markInterrupted = process.argv.includes('--mark-interrupted');
const line = (text) => String(text).replace(/\r?\n/g, '\\n'); // one protocol line per text

const client = new OpenAI({ baseURL: `${env.CHAOSGATE_ORIGIN}/v1`, apiKey: env.OPENAI_API_KEY, maxRetries: 2 });

let text = '';
let finished = false;
try {
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }], stream: true,
  });
  for await (const chunk of stream) {
    const choice = chunk.choices?.[0];
    const delta = choice?.delta?.content ?? '';
    if (delta) {
      text += delta;
      console.log(`PARTIAL: ${line(text)}`); // console.log writes at once to a pipe on Linux
    }
    if (choice?.finish_reason) finished = true;
  }
} catch {
  // a failure before any text, a reset or an error frame: `finished` stays false
}
if (finished) {
  console.log(`SHOWN: ${line(text)}`);
  console.log('DRAFT: ');
} else if (markInterrupted) {
  console.log(`SHOWN: ${text ? 'The response was interrupted before its end.' : 'The service could not answer.'}`
    + ' Press Regenerate to try again; your prompt is kept.');
  console.log(`DRAFT: ${line(prompt)}`);
} else {
  console.log('DRAFT: '); // the cut text stays on screen as if it were the whole answer
}
