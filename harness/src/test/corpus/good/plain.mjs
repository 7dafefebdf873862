// Good client: the plain style (Chat Completions over fetch, exponential backoff with jitter, English
// messages). The manifest runs it with a very short prompt ("hi") to check short prompts are judged right.
import { runChat, style, backoff } from '../lib/chat-app.mjs';
import { english } from '../lib/messages-en.mjs';

await runChat(style({ backoff: () => backoff.exponential(500, 8000), messages: english }));
