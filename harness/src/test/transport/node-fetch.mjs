// A retrying app on Node's built-in fetch, for ClientTransportsTest: up to three attempts, 200 ms then
// 400 ms apart, until one answers 200; prints "status N" for each.
// Usage: node node-fetch.mjs known|streamed keep-alive|close BASE_URL
const [mode, connection, baseUrl] = process.argv.slice(2);
const json = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Summarise the meeting notes in three bullet points' }],
});

function body() {
  if (mode === 'known') return json;
  // a stream: fetch cannot know its length, so it sends the body chunked
  const bytes = new TextEncoder().encode(json);
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes.subarray(0, 10));
      controller.enqueue(bytes.subarray(10));
      controller.close();
    },
  });
}

for (let attempt = 1; attempt <= 3; attempt++) {
  if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** (attempt - 2)));
  const headers = { 'content-type': 'application/json', authorization: 'Bearer test' };
  if (connection === 'close') headers.connection = 'close';
  const response = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST', headers, body: body(), duplex: 'half',
  });
  await response.text();
  console.log(`status ${response.status}`);
  if (response.status === 200) break;
}
