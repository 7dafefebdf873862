// Good client: after the answer arrived, a second, separate call asks the model for a chat title
// ("Write a short title for this chat: <prompt>") and shows it; a failed title call is silent.
import { runChat, style, backoff } from '../lib/chat-app.mjs';
import { english } from '../lib/messages-en.mjs';

await runChat(style({ titleCall: true, backoff: () => backoff.exponential(500, 8000), messages: english }));
