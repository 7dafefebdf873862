// Good client: an app with message keys. Its final failure message is reported with the key its
// translation table uses (SHOWN[quota_exhausted]: ...), the English text after it.
import { runChat, style, backoff } from '../lib/chat-app.mjs';
import { english } from '../lib/messages-en.mjs';

await runChat(style({ messageKeys: true, backoff: () => backoff.exponential(500, 8000), messages: english }));
