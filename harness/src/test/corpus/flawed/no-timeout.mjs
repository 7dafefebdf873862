// Flawed client. FLAW: sets no client-side timeout: no time limit on the answer's head, none between the chunks of a body or stream, so a hung server hangs the app.
// Everything else is the careful plain style (Chat Completions over fetch, exponential backoff with
// jitter, English messages, the prompt kept in the composer): exactly one thing is wrong.
import { runChat, style, backoff } from '../lib/chat-app.mjs';
import { english } from '../lib/messages-en.mjs';

await runChat(style({ backoff: () => backoff.exponential(500, 8000), messages: english, headerTimeoutMs: 0, idleTimeoutMs: 0 }));
