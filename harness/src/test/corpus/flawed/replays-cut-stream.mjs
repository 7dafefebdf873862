// Flawed client. FLAW: replays a streamed request by itself when the stream broke after text was shown, instead of marking it interrupted.
// Everything else is the careful plain style (Chat Completions over fetch, exponential backoff with
// jitter, English messages, the prompt kept in the composer): exactly one thing is wrong.
import { runChat, style, backoff } from '../lib/chat-app.mjs';
import { english } from '../lib/messages-en.mjs';

await runChat(style({ backoff: () => backoff.exponential(500, 8000), messages: english, flaw: { replayInterruptedStream: true } }));
