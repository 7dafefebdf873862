// Good client: AWS "full jitter" backoff. Each wait is drawn uniformly between 0 and an exponential
// ceiling (200 ms, 400 ms, ... capped at 4 s), so the first wait can be a few milliseconds. Chat
// Completions over fetch, English messages, a "Retrying in N s…" notice while it waits.
import { runChat, style, backoff } from '../lib/chat-app.mjs';
import { english } from '../lib/messages-en.mjs';

await runChat(style({ backoff: () => backoff.fullJitter(200, 4000), messages: english, retryNotices: true }));
