// Flawed client. FLAW: after a timeout it tries again 2 s later, up to 6 attempts in all, instead of one retry with backoff; other failures follow the normal policy.
// Everything else is the careful plain style (Chat Completions over fetch, exponential backoff with
// jitter, English messages, the prompt kept in the composer): exactly one thing is wrong.
import { runChat, style, backoff } from '../lib/chat-app.mjs';
import { english } from '../lib/messages-en.mjs';

await runChat(style({ backoff: () => backoff.exponential(500, 8000), messages: english, headerTimeoutMs: 12000, flaw: { maxAttempts: 6, maxTimeoutAttempts: 6, timeoutRetryWaitMs: 2000, timeoutOnlyBudget: true } }));
