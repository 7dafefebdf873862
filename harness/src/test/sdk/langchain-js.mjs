// A thin chat app around LangChain JS (`@langchain/openai` ChatOpenAI), for `chaosgate run --client`.
// One model.invoke call, or model.stream when CHAOSGATE_STREAM=true, with ChatOpenAI's default
// maxRetries; every retry is LangChain's own (its AsyncCaller; the openai client inside gets maxRetries 0).
import { ChatOpenAI } from '@langchain/openai';
import { answered, failed, connectionMessage, messageForStatus, MESSAGES, settings } from './lib/screen.mjs';

const { baseURL, apiKey, prompt, stream, model } = settings();
const chat = new ChatOpenAI({ model, apiKey, configuration: { baseURL } });

// LangChain rethrows the openai package's errors (status, parsed `error` object; the raw text as
// message for a non-JSON body), some renamed (TimeoutError, InsufficientQuotaError, RateLimit*Error).
function messageFor(err) {
  const status = err?.status ?? err?.response?.status;
  if (typeof status === 'number' && status >= 400) return messageForStatus(status, err.error, err.message);
  return connectionMessage(err);
}

function textOf(message) {
  const content = message?.content;
  if (typeof content === 'string') return content;
  return Array.isArray(content) ? content.map((part) => (typeof part === 'string' ? part : part?.text ?? '')).join('') : '';
}

if (!stream) {
  try {
    answered(textOf(await chat.invoke(prompt)));
  } catch (err) {
    failed(prompt, messageFor(err));
  }
} else {
  let text = '';
  let chunks;
  try {
    chunks = await chat.stream(prompt);
  } catch (err) {
    failed(prompt, messageFor(err));
    process.exit(0);
  }
  try {
    for await (const chunk of chunks) text += textOf(chunk);
  } catch (err) {
    failed(prompt, text ? MESSAGES.interrupted : messageFor(err), text);
    process.exit(0);
  }
  answered(text);
}
