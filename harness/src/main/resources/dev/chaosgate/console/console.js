// The chaosgate QA console: polls the admin API every 500 ms and posts the buttons' actions.
// Plain JavaScript, no framework. Every text from the API goes in with textContent, never as HTML.
'use strict';

(() => {
  const API = '/__chaosgate/api/';
  const POLL_MS = 500;
  const MAX_ROWS = 1000;
  /** Polls between verdict refreshes when no request came in (the verdict also refreshes on new requests and actions). */
  const VERDICT_EVERY = 4;

  const $ = (id) => document.getElementById(id);
  let lastLog = 0;
  let verdictFrom = 0;
  let menusFilled = false;
  let pollsSinceVerdict = VERDICT_EVERY;

  function setText(element, value) {
    element.textContent = value === null || value === undefined ? '' : String(value);
  }

  async function call(method, path, body) {
    const options = {method, cache: 'no-store', headers: {}};
    if (method === 'POST') {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body || {});
    }
    const response = await fetch(API + path, options);
    let answer;
    try {
      answer = await response.json();
    } catch (e) {
      throw new Error('HTTP ' + response.status + ' without a JSON answer');
    }
    if (!response.ok) {
      throw new Error(answer.error || 'HTTP ' + response.status);
    }
    return answer;
  }

  function fillMenus(state) {
    const faults = $('fail-fault');
    for (const name of state.faults) {
      const option = document.createElement('option');
      option.value = name;
      const description = state.faultDescriptions[name];
      setText(option, description ? name + ' — ' + description : name);
      faults.appendChild(option);
    }
    const scenarios = $('scenario-select');
    for (const name of state.scenarios) {
      const option = document.createElement('option');
      option.value = name;
      setText(option, name);
      scenarios.appendChild(option);
    }
    scenarios.value = state.scenario;
    menusFilled = true;
  }

  function renderState(state) {
    if (!menusFilled) {
      fillMenus(state);
    }
    setText($('scenario-name'), state.scenario);
    setText($('scenario-description'), state.description);
    setText($('phase'), state.phase || '—');
    setText($('phases'), state.phases.join(' → '));
    // A scenario's time starts at the app's first generation request (clock: client): say so until it comes.
    $('clock-waiting').hidden = state.replaying || !!state.clockStart;
    setText($('base-url'), state.baseUrl);
    setText($('recording-path'), state.recording || 'not recording');
    $('recording-problem').hidden = !state.recordingProblem;
    setText($('recording-problem'), state.recordingProblem
      ? 'cannot write: ' + state.recordingProblem + ' (kept in memory, written when it can be)' : '');
    setText($('seed'), state.seed);
    $('paused-state').hidden = !state.paused;
    $('replay-state').hidden = !state.replaying;
    setText($('replay-state'), 'replaying: ' + state.replayRemaining + ' decision' + (state.replayRemaining === 1 ? '' : 's') + ' left');
    setText($('injected-state'), state.injectedRemaining > 0
      ? state.injectedRemaining + ' injected fault' + (state.injectedRemaining === 1 ? '' : 's') + ' queued'
      : '');
    $('pause-button').disabled = state.paused || state.replaying;
    $('resume-button').disabled = !state.paused;
    $('fail-button').disabled = state.replaying;
    $('fail-button').title = state.replaying ? 'A replay decides every answer; switch scenario to end it' : '';
    if (state.verdictFrom !== verdictFrom) {
      // A switch or reset: a new action to judge, so what was reported for the last one goes.
      verdictFrom = state.verdictFrom;
      markBaseline();
      for (const id of ['report-prompt', 'report-shown', 'report-draft']) {
        $(id).value = '';
      }
    }
  }

  function cell(row, value, className) {
    const td = document.createElement('td');
    setText(td, value);
    if (className) {
      td.className = className;
    }
    row.appendChild(td);
  }

  function renderLog(page) {
    const body = $('log').tBodies[0];
    for (const entry of page.entries) {
      const row = document.createElement('tr');
      row.dataset.sequence = entry.sequence;
      row.className = (entry.faulted ? 'fault' : 'ok') + ' source-' + entry.source;
      if (entry.sequence <= verdictFrom) {
        row.classList.add('before-baseline');
      }
      cell(row, entry.sequence);
      cell(row, new Date(entry.time).toLocaleTimeString());
      cell(row, entry.method + ' ' + entry.path);
      cell(row, entry.status === 0 ? 'none' : entry.status, 'status');
      cell(row, entry.fault + (entry.failureClass ? ' (' + entry.failureClass + ')' : '')
        + (entry.clientClosed ? ' — the app closed the connection before the end' : ''), 'answer');
      cell(row, entry.source, 'source');
      cell(row, entry.phase || '');
      cell(row, entry.prompt || '', 'prompt');
      body.insertBefore(row, body.firstChild);
    }
    while (body.rows.length > MAX_ROWS) {
      body.deleteRow(body.rows.length - 1);
    }
    lastLog = Math.max(lastLog, page.last);
    setText($('log-count'), body.rows.length ? '(' + body.rows.length + ', newest first)' : '(none yet)');
  }

  function markBaseline() {
    for (const row of $('log').tBodies[0].rows) {
      row.classList.toggle('before-baseline', Number(row.dataset.sequence) <= verdictFrom);
    }
  }

  function renderVerdict(verdict) {
    const badge = $('verdict-badge');
    setText(badge, verdict.verdict);
    badge.className = 'badge verdict-' + verdict.verdict.toLowerCase();
    setText($('verdict-attempts'), verdict.verdict === 'PENDING'
      ? 'No attempt yet: use the app.'
      : verdict.attempts + ' attempt' + (verdict.attempts === 1 ? '' : 's') + ' judged.');
    setText($('verdict-ui'), verdict.uiReported ? 'UI reported.' : 'UI not reported: network behaviour only.');
    const list = $('verdict-findings');
    list.replaceChildren();
    for (const finding of verdict.findings) {
      const item = document.createElement('li');
      const code = document.createElement('strong');
      setText(code, finding.code);
      item.appendChild(code);
      item.appendChild(document.createTextNode(': ' + finding.message));
      if (finding.evidence.length) {
        const evidence = document.createElement('ul');
        for (const fact of finding.evidence) {
          const line = document.createElement('li');
          setText(line, fact);
          evidence.appendChild(line);
        }
        item.appendChild(evidence);
      }
      list.appendChild(item);
    }
    setText($('verdict-explain'), verdict.explain);
  }

  function setConnected(connected, error) {
    const status = $('connection');
    setText(status, connected ? 'live' : 'not connected to chaosgate serve (' + (error ? error.message : '?') + '); retrying');
    status.className = 'connection ' + (connected ? 'live' : 'lost');
  }

  async function poll() {
    try {
      renderState(await call('GET', 'state'));
      const page = await call('GET', 'log?after=' + lastLog);
      renderLog(page);
      pollsSinceVerdict++;
      if (page.entries.length > 0 || pollsSinceVerdict >= VERDICT_EVERY) {
        await refreshVerdict();
      }
      setConnected(true);
    } catch (error) {
      setConnected(false, error);
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  async function refreshVerdict() {
    pollsSinceVerdict = 0;
    renderVerdict(await call('GET', 'verdict'));
  }

  /** Runs one button's action: the button is disabled meanwhile, errors are shown, the view refreshed after. */
  function action(buttonId, run) {
    const button = $(buttonId);
    button.addEventListener('click', async () => {
      button.disabled = true;
      setText($('message'), '');
      try {
        const answer = await run();
        if (answer && answer.scenario !== undefined && answer.phases !== undefined) {
          renderState(answer);
        }
        await refreshVerdict();
      } catch (error) {
        setText($('message'), error.message);
      } finally {
        button.disabled = false;
        // Buttons that the new state disables (Pause while paused, …) are disabled again at once.
        call('GET', 'state').then(renderState, () => {});
      }
    });
  }

  action('fail-button', () => call('POST', 'fail-next', {
    count: Number($('fail-count').value),
    fault: $('fail-fault').value,
  }));
  action('pause-button', () => call('POST', 'pause'));
  action('resume-button', () => call('POST', 'resume'));
  action('reset-button', () => call('POST', 'reset'));
  action('scenario-button', () => call('POST', 'scenario', {name: $('scenario-select').value}));
  action('report-button', async () => {
    const shown = $('report-shown').value.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
    renderVerdict(await call('POST', 'verdict', {
      prompt: $('report-prompt').value,
      shown,
      draft: $('report-draft').value,
    }));
  });

  poll();
})();
