// Good client: a chat UI that moves the typed text into the conversation on Send and empties the
// composer at once. On failure the user's message stays in the thread, marked failed, with a Retry
// action (THREAD: line), and the composer stays empty.
import { runChat, style, backoff } from '../lib/chat-app.mjs';
import { english } from '../lib/messages-en.mjs';

const thread = {
  ...english,
  bad_gateway: 'The AI service can\'t be reached right now (bad gateway). Your message is kept above: press Retry in a few minutes.',
  unavailable: 'The AI service is overloaded right now. Your message is kept above: press Retry in a few minutes.',
  timeout: 'The AI service did not answer in time: the request timed out. Your message is kept above: press Retry.',
};

await runChat(style({ keepPrompt: 'thread', backoff: () => backoff.exponential(500, 8000), messages: thread }));
