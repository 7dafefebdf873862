// Good client: an agent-style action. The request offers a function (get_order_status); when the
// model calls it, the app runs it and sends the result back (assistant tool call + tool result) in a
// second request of the same user action, with the same retry policy for every step.
import { runChat, style, backoff } from '../lib/chat-app.mjs';
import { english } from '../lib/messages-en.mjs';

await runChat(style({ tools: true, backoff: () => backoff.exponential(500, 8000), messages: english }));
