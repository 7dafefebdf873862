// Good client: AWS "decorrelated jitter" (each wait uniform between 300 ms and three times the last,
// capped at 5 s) over node:http with a new connection per attempt (agent: false, Connection: close).
import { runChat, style, backoff } from '../lib/chat-app.mjs';
import { english } from '../lib/messages-en.mjs';

await runChat(style({ transport: 'fresh', backoff: () => backoff.decorrelated(300, 5000), messages: english }));
