// Flawed client. FLAW: never reads Retry-After / retry-after-ms: its own ~0.5 s, 1 s backoff applies even when the server asked for longer.
// Everything else is the careful plain style (Chat Completions over fetch, exponential backoff with
// jitter, English messages, the prompt kept in the composer): exactly one thing is wrong.
import { runChat, style, backoff } from '../lib/chat-app.mjs';
import { english } from '../lib/messages-en.mjs';

await runChat(style({ backoff: () => backoff.exponential(500, 8000), messages: english, flaw: { ignoreRetryAfter: true } }));
