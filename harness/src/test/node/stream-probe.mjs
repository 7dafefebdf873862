// Reads one streamed answer with the official openai SDK, printing each piece of text as it arrives,
// then asks again for a whole answer. For MidAnswerStreamFaultsTest: `node stream-probe.mjs chat|responses`.
// Prints `TEXT: <json string>` per piece, `END: completed | ended | error <message>` for the first
// answer, then `FULL: <json string>` with the second answer's whole text. No retries (maxRetries 0).
import OpenAI from 'openai';

const api = process.argv[2];
const client = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: 'sk-probe', maxRetries: 0 });
const prompt = process.env.CHAOSGATE_PROMPT ?? 'Why is the sky blue?';

async function read(print) {
  let text = '';
  let end = 'ended';
  try {
    if (api === 'responses') {
      const stream = await client.responses.create({ model: 'gpt-4o-mini', input: prompt, stream: true });
      for await (const event of stream) {
        if (event.type === 'response.output_text.delta') { text += event.delta; print(event.delta); }
        else if (event.type === 'response.completed') end = 'completed';
        else if (event.type === 'error' || event.type === 'response.failed') end = `error event ${event.type}`;
      }
    } else {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }], stream: true });
      for await (const chunk of stream) {
        const choice = chunk.choices?.[0];
        if (choice?.delta?.content) { text += choice.delta.content; print(choice.delta.content); }
        if (choice?.finish_reason) end = 'completed';
      }
    }
  } catch (error) {
    end = `error ${error?.constructor?.name}: ${error?.message}`;
  }
  return { text, end };
}

const first = await read((piece) => console.log(`TEXT: ${JSON.stringify(piece)}`));
console.log(`END: ${first.end}`);
const second = await read(() => {});
console.log(`FULL: ${JSON.stringify(second.end === 'completed' ? second.text : '')}`);
