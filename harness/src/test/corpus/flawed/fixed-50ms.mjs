// Flawed client. FLAW: its own retry interval is a fixed 50 ms, neither growing nor long enough for a
// struggling service (a usable Retry-After is still honoured).
// Everything else is the careful plain style (Chat Completions over fetch, English messages, the
// prompt kept in the composer): exactly one thing is wrong.
import { runChat, style, backoff } from '../lib/chat-app.mjs';
import { english } from '../lib/messages-en.mjs';

await runChat(style({ backoff: () => backoff.fixed(50), messages: english }));
