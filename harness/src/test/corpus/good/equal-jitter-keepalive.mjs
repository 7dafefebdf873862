// Good client: AWS "equal jitter" backoff (half of a 1 s, 2 s, 4 s ceiling fixed, half random) over
// node:http with one keep-alive agent, so a retry reuses the pooled connection when the server kept it.
import { runChat, style, backoff } from '../lib/chat-app.mjs';
import { english } from '../lib/messages-en.mjs';

await runChat(style({ transport: 'keep-alive', backoff: () => backoff.equalJitter(1000, 8000), messages: english }));
