// Good client: always streams (stream: true on every request, also when the scenario does not ask
// for it) and parses the server-sent events by hand: text deltas until data: [DONE]; an end without
// [DONE], an error frame, a reset or 5 s of silence marks the answer interrupted.
import { runChat, style, backoff } from '../lib/chat-app.mjs';
import { english } from '../lib/messages-en.mjs';

await runChat(style({ stream: 'always', backoff: () => backoff.exponential(500, 8000), messages: english }));
