// Flawed client. FLAW: ignores the x-should-retry: false header and retries the 503 as any other.
// Everything else is the careful plain style (Chat Completions over fetch, exponential backoff with
// jitter, English messages, the prompt kept in the composer): exactly one thing is wrong.
import { runChat, style, backoff } from '../lib/chat-app.mjs';
import { english } from '../lib/messages-en.mjs';

await runChat(style({ backoff: () => backoff.exponential(500, 8000), messages: english, flaw: { ignoreShouldRetry: true } }));
