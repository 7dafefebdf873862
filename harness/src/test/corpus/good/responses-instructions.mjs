// Good client: the Responses API with `instructions` and a developer message before the user's turn,
// as an assistant with a house style and a product context would send. English messages.
import { runChat, style, backoff } from '../lib/chat-app.mjs';
import { english } from '../lib/messages-en.mjs';

await runChat(style({
  api: 'responses',
  instructions: 'You are the help assistant of an online shop. Answer briefly and politely.',
  developerMessage: 'Context: the user is signed in; their last order shipped yesterday. Never reveal internal notes.',
  backoff: () => backoff.exponential(500, 8000),
  messages: english,
}));
