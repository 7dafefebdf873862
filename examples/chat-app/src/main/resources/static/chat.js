// The chat page: sends the prompt box's text to POST /api/chat and renders the server-sent events of the answer.
// Rules a careful chat page keeps: the prompt stays in the box until an answer is complete; a failure shows the
// server's guidance in the banner with a Retry button; a cut answer stays on screen, marked "Answer interrupted".
(function () {
  'use strict';

  const prompt = document.getElementById('prompt');
  const send = document.getElementById('send');
  const answer = document.getElementById('answer');
  const answerText = document.getElementById('answer-text');
  const answerMark = document.getElementById('answer-mark');
  const banner = document.getElementById('banner');
  const bannerMessage = document.getElementById('banner-message');
  const retry = document.getElementById('retry');
  const status = document.getElementById('status');

  let settings = { clearPromptOnError: false };
  fetch('/api/page-settings').then(r => r.json()).then(s => { settings = s; }).catch(() => {});

  document.getElementById('composer').addEventListener('submit', event => {
    event.preventDefault();
    ask();
  });
  retry.addEventListener('click', ask);
  prompt.addEventListener('keydown', event => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      ask();
    }
  });

  async function ask() {
    const text = prompt.value.trim();
    if (!text || send.disabled) {
      return;
    }
    begin();
    let ended = false;
    try {
      const response = await fetch('/api/chat', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Accept': 'text/event-stream' },
        body: JSON.stringify({ prompt: text })
      });
      if (!response.ok || !response.body) {
        throw new Error('chat service answered ' + response.status);
      }
      await readEvents(response.body, (name, data) => {
        if (name === 'delta') {
          answerText.textContent += data.text;
        } else if (name === 'done') {
          ended = true;
          prompt.value = '';                        // only a complete answer empties the box
          finish('');
        } else if (name === 'error') {
          ended = true;
          fail(data.message, data.retryable, data.answerStarted);
        }
      });
      if (!ended) {
        // The chat service itself went away mid-answer.
        fail('Response interrupted — the connection to the chat service dropped. Your prompt is kept; press '
            + 'Regenerate to try again.', true, answerText.textContent.length > 0);
      }
    } catch (error) {
      console.warn('chat request failed', error);
      if (!ended) {
        fail('The connection to the chat service was interrupted. Your prompt is saved — try again in a moment.',
            true, answerText.textContent.length > 0);
      }
    }
  }

  function begin() {
    send.disabled = true;
    retry.disabled = true;
    banner.hidden = true;
    bannerMessage.textContent = '';
    answer.classList.remove('interrupted');
    answerMark.hidden = true;
    answerText.textContent = '';
    status.textContent = 'Waiting for the answer…';
  }

  function fail(message, retryable, answerStarted) {
    bannerMessage.textContent = message;          // text, never markup: whatever the server says is not HTML
    retry.textContent = answerStarted ? 'Regenerate' : 'Retry';
    retry.hidden = !retryable;
    banner.hidden = false;
    if (answerStarted) {
      answer.classList.add('interrupted');        // keep the partial text, and say it is not the whole answer
      answerMark.hidden = false;
    }
    if (settings.clearPromptOnError) {
      prompt.value = '';                          // the planted bug (chat.bug=clear-prompt-on-error)
    }
    finish('');
  }

  function finish(statusText) {
    status.textContent = statusText;
    send.disabled = false;
    retry.disabled = false;
  }

  // Server-sent events over a POST: EventSource can only GET, and would resend the prompt on its own when cut.
  async function readEvents(body, onEvent) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      buffer += value.replace(/\r\n/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) {
            name = line.slice(6).trim();
          } else if (line.startsWith('data:')) {
            data.push(line.slice(5));
          }
        }
        if (data.length) {
          onEvent(name, JSON.parse(data.join('\n')));
        }
      }
    }
  }
})();
