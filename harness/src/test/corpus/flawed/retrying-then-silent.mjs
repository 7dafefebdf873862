// Flawed client. FLAW: shows "Retrying in N s…" before each retry, and when it gives up shows nothing more: the user is left with the last notice (or nothing).
// Everything else is the careful plain style (Chat Completions over fetch, exponential backoff with
// jitter, English messages, the prompt kept in the composer): exactly one thing is wrong.
import { runChat, style, backoff } from '../lib/chat-app.mjs';
import { english } from '../lib/messages-en.mjs';

await runChat(style({ backoff: () => backoff.exponential(500, 8000), messages: english, retryNotices: true, flaw: { silentAfterGivingUp: true } }));
