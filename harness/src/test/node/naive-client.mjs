// A deliberately naive chat client for `chaosgate run --client`, kept to prove that the judge fails a
// bad Node client: it never retries (maxRetries: 0), shows the SDK's raw error text (JSON or HTML
// bodies included) and empties the prompt box on failure. Do not copy it.
import OpenAI from 'openai';

const env = process.env;
const prompt = env.CHAOSGATE_PROMPT ?? '';
const stream = env.CHAOSGATE_STREAM === 'true';
const client = new OpenAI({
  baseURL: env.CHAOSGATE_BASE_URL ?? env.OPENAI_BASE_URL,
  apiKey: env.OPENAI_API_KEY ?? 'sk-chaosgate',
  maxRetries: 0,
});

try {
  const request = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }], stream };
  const response = await client.chat.completions.create(request);
  let text = '';
  if (stream) {
    // Takes whatever arrived as the whole answer, even when the stream was cut.
    for await (const chunk of response) text += chunk.choices?.[0]?.delta?.content ?? '';
  } else {
    text = response.choices?.[0]?.message?.content ?? '';
  }
  for (const line of text.split(/\r?\n/)) console.log(`SHOWN: ${line}`);
} catch (err) {
  for (const line of String(err.message).split(/\r?\n/)) console.log(`SHOWN: ${line}`);
}
console.log('DRAFT: ');
