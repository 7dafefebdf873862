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
  /** The menu entry that opens the field for any fault in the scenario syntax. */
  const CUSTOM_FAULT = 'other';
  let menusFilled = false;
  let pollsSinceVerdict = VERDICT_EVERY;
  /** The users the log shows a lane for: two or more, or none (one user, or none told: the log as one list). */
  let laneUsers = [];
  /** Each user's running verdict, last heard, by user id; shown in the log's lane heads too. */
  let laneVerdicts = new Map();

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
    const other = document.createElement('option');
    other.value = CUSTOM_FAULT;
    setText(other, 'other fault… — any fault a scenario phase can write, e.g. {slow: 3s}');
    faults.appendChild(other);
    faults.addEventListener('change', () => {
      $('fail-custom-row').hidden = faults.value !== CUSTOM_FAULT;
    });
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
    $('live-upstream-label').hidden = $('live-upstream-row').hidden = !state.liveUpstream;
    setText($('live-upstream'), state.liveUpstream || '');
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
    renderQueue(state.queue || []);
    $('pause-button').disabled = state.paused || state.replaying;
    $('resume-button').disabled = !state.paused;
    $('fail-button').disabled = state.replaying;
    $('fail-button').title = state.replaying ? 'A replay decides every answer; switch scenario to end it' : '';
    if (state.verdictFrom !== verdictFrom) {
      // A switch or reset: a new action to judge, so what was reported for the last one goes.
      verdictFrom = state.verdictFrom;
      markBaseline();
      for (const id of ['report-user', 'report-prompt', 'report-shown', 'report-draft']) {
        $(id).value = '';
      }
    }
  }

  /** Each queued fail-next fault, with the kind of request it waits for and why it has not fired yet. */
  function renderQueue(queue) {
    const list = $('queue');
    list.replaceChildren();
    for (const queued of queue) {
      const item = document.createElement('li');
      const name = document.createElement('span');
      setText(name, queued.remaining + ' × ' + queued.fault);
      name.title = queued.name;
      item.appendChild(name);
      item.appendChild(document.createTextNode(' waits for ' + queued.waitsFor));
      if (queued.waiting) {
        const waiting = document.createElement('div');
        waiting.className = 'waiting';
        setText(waiting, 'waiting: ' + queued.waiting);
        item.appendChild(waiting);
      }
      list.appendChild(item);
    }
    list.hidden = queue.length === 0;
  }

  function cell(row, value, className, title) {
    const td = document.createElement('td');
    setText(td, value);
    if (className) {
      td.className = className;
    }
    if (title) {
      td.title = title;
    }
    row.appendChild(td);
    return td;
  }

  /** Wall-clock time to the millisecond: 10:00:01.204. */
  function clock(iso) {
    const time = new Date(iso);
    const two = (n) => String(n).padStart(2, '0');
    return two(time.getHours()) + ':' + two(time.getMinutes()) + ':' + two(time.getSeconds())
      + '.' + String(time.getMilliseconds()).padStart(3, '0');
  }

  /** An offset from an action's first request: +1.250 s. */
  function offset(ms) {
    return '+' + (ms / 1000).toFixed(3) + ' s';
  }

  /** A wait between two attempts: 1.02 s. */
  function seconds(ms) {
    return (ms / 1000).toFixed(2) + ' s';
  }

  function plainClass(failureClass) {
    return failureClass ? failureClass.replaceAll('_', ' ') : '';
  }

  /** One request of the log as a table row. */
  function logRow(entry) {
    const row = document.createElement('tr');
    row.dataset.sequence = entry.sequence;
    row.dataset.user = entry.user || '';
    row.className = (entry.faulted ? 'fault' : 'ok') + ' source-' + entry.source;
    if (entry.sequence <= verdictFrom) {
      row.classList.add('before-baseline');
    }
    cell(row, entry.sequence);
    cell(row, clock(entry.time), 'time', entry.time + (entry.durationMs ? ', answered in ' + entry.durationMs + ' ms' : ''));
    // A zero-width space after each slash lets a long path wrap there rather than mid-word.
    cell(row, entry.method + ' ' + entry.path.replaceAll('/', '/\u200b') + (entry.streamed ? ' (streamed)' : ''), 'request',
      entry.method + ' ' + entry.path);
    cell(row, entry.status === 0 ? 'none' : entry.status, 'status');
    // Plain words on the page; the fixture id and the failure class on hover.
    cell(row, (entry.faultName || entry.fault)
      + (entry.clientClosed ? ' — the app closed the connection before the end' : ''), 'answer',
      entry.faulted ? entry.fault + (entry.failureClass ? ' · failure class ' + entry.failureClass : '') : '');
    cell(row, entry.source, 'source');
    cell(row, entry.phase || '');
    cell(row, entry.prompt || '', 'prompt', entry.prompt || '');
    return row;
  }

  /** Every request row of the log, newest first, whichever lane holds it. */
  function logRows() {
    return [...$('log').querySelectorAll('tbody tr[data-sequence]')];
  }

  /** The users of the log's rows, in the order their first request came; requests of nobody told are not a user. */
  function logUsers(rows) {
    const users = [];
    for (let i = rows.length - 1; i >= 0; i--) {
      const user = rows[i].dataset.user;
      if (user && !users.includes(user)) {
        users.push(user);
      }
    }
    return users;
  }

  function renderLog(page) {
    const table = $('log');
    const newest = table.tBodies[0];
    for (const entry of page.entries) {
      newest.insertBefore(logRow(entry), newest.firstChild);
    }
    let rows = logRows();
    // Oldest first out, whichever lane holds them.
    rows.sort((a, b) => Number(b.dataset.sequence) - Number(a.dataset.sequence));
    while (rows.length > MAX_ROWS) {
      rows.pop().remove();
    }
    if (page.entries.length > 0) {
      layOutLog(rows);
    }
    lastLog = Math.max(lastLog, page.last);
    setText($('log-count'), rows.length ? '(' + rows.length + ', newest first'
      + (laneUsers.length > 1 ? ', one group per user' : '') + ')' : '(none yet)');
  }

  /**
   * With requests of several users, one group of rows per user (a tbody headed by the user's id), in the order
   * their first requests came, and one for requests no user is told for; else one list, as with a single app.
   */
  function layOutLog(rows) {
    const table = $('log');
    const users = logUsers(rows);
    if (users.length < 2) {
      if (table.tBodies.length === 1 && laneUsers.length === 0) {
        return; // one list already, its rows in place
      }
      laneUsers = [];
      const one = document.createElement('tbody');
      one.append(...rows);
      [...table.tBodies].forEach((body) => body.remove());
      table.appendChild(one);
      return;
    }
    laneUsers = users;
    const lanes = new Map();
    const groups = [];
    const lane = (user, index) => {
      const body = document.createElement('tbody');
      body.className = 'lane';
      body.dataset.user = user;
      const head = document.createElement('tr');
      head.className = 'lane-head';
      const th = document.createElement('th');
      th.colSpan = 8;
      th.scope = 'rowgroup';
      th.id = 'log-lane-' + index;
      const name = document.createElement('span');
      name.className = 'lane-user';
      setText(name, user || 'no user told');
      if (!user) {
        name.title = 'requests that carry no X-Chaosgate-User header, no body user or safety_identifier,'
          + ' on a connection no single user\'s requests used';
      }
      th.appendChild(name);
      const count = document.createElement('span');
      count.className = 'lane-count muted';
      th.appendChild(count);
      const verdictBadge = document.createElement('span');
      verdictBadge.className = 'badge lane-verdict';
      verdictBadge.hidden = true;
      th.appendChild(verdictBadge);
      head.appendChild(th);
      body.appendChild(head);
      lanes.set(user, body);
      groups.push(body);
      return body;
    };
    users.forEach((user, index) => lane(user, index));
    for (const row of rows) {
      const user = row.dataset.user;
      (lanes.get(user) || lanes.get('') || lane('', users.length)).appendChild(row);
    }
    for (const body of groups) {
      const n = body.rows.length - 1;
      setText(body.querySelector('.lane-count'), ' · ' + n + ' request' + (n === 1 ? '' : 's'));
    }
    [...table.tBodies].forEach((body) => body.remove());
    table.append(...groups);
    showLaneVerdicts();
  }

  function showLaneVerdicts() {
    for (const body of $('log').tBodies) {
      const badgeElement = body.querySelector('.lane-verdict');
      if (!badgeElement) {
        continue;
      }
      const verdict = laneVerdicts.get(body.dataset.user);
      badgeElement.hidden = !verdict;
      if (verdict) {
        setText(badgeElement, verdict);
        badgeElement.className = 'badge lane-verdict verdict-' + verdict.toLowerCase();
      }
    }
  }

  function markBaseline() {
    for (const row of logRows()) {
      row.classList.toggle('before-baseline', Number(row.dataset.sequence) <= verdictFrom);
    }
  }

  function badge(verdict) {
    const element = document.createElement('span');
    element.className = 'badge verdict-' + verdict.toLowerCase();
    setText(element, verdict);
    return element;
  }

  /** One prompt's verdict: the prompt it judges, its attempts with offsets and waits, its findings. */
  function promptVerdict(judged) {
    const item = document.createElement('li');
    item.className = 'prompt-verdict';
    const head = document.createElement('div');
    head.className = 'prompt-head';
    head.appendChild(badge(judged.verdict));
    const prompt = document.createElement('q');
    prompt.className = 'prompt';
    setText(prompt, judged.prompt || '(no prompt text)');
    prompt.title = judged.prompt || '';
    head.appendChild(prompt);
    const meta = document.createElement('span');
    meta.className = 'meta muted';
    setText(meta, judged.attempts + ' attempt' + (judged.attempts === 1 ? '' : 's')
      + (judged.started ? ' · from ' + clock(judged.started) : '')
      + (judged.uiReported ? ' · UI reported' : ''));
    head.appendChild(meta);
    item.appendChild(head);
    if (judged.note) {
      const note = document.createElement('p');
      note.className = 'note';
      setText(note, judged.note);
      item.appendChild(note);
    }
    const attempts = document.createElement('ol');
    attempts.className = 'attempts';
    for (const attempt of judged.timeline) {
      const line = document.createElement('li');
      const at = document.createElement('span');
      at.className = 'offset';
      setText(at, '#' + attempt.number + ' ' + offset(attempt.offsetMs));
      line.appendChild(at);
      line.appendChild(document.createTextNode(' '));
      if (attempt.waitMs !== null && attempt.waitMs !== undefined) {
        const wait = document.createElement('span');
        wait.className = 'wait';
        setText(wait, 'waited ' + seconds(attempt.waitMs));
        wait.title = 'from the end of attempt #' + (attempt.number - 1) + ' to this request';
        line.appendChild(wait);
        line.appendChild(document.createTextNode(' · '));
      }
      const answer = document.createElement('span');
      answer.className = attempt.failed ? 'failed' : 'answered';
      setText(answer, attempt.answer);
      if (attempt.fault) {
        answer.title = attempt.fault + (attempt.failureClass ? ' · failure class ' + attempt.failureClass : '');
      }
      line.appendChild(answer);
      if (attempt.askedWaitMs !== null && attempt.askedWaitMs !== undefined) {
        line.appendChild(document.createTextNode(' (asked to wait ' + seconds(attempt.askedWaitMs) + ')'));
      }
      attempts.appendChild(line);
    }
    item.appendChild(attempts);
    if (judged.findings.length) {
      const findings = document.createElement('ul');
      findings.className = 'findings';
      for (const finding of judged.findings) {
        const entry = document.createElement('li');
        const code = document.createElement('strong');
        setText(code, finding.code);
        entry.appendChild(code);
        entry.appendChild(document.createTextNode(': ' + finding.message));
        if (finding.evidence.length) {
          const evidence = document.createElement('ul');
          evidence.className = 'evidence';
          for (const fact of finding.evidence) {
            const line = document.createElement('li');
            setText(line, fact);
            evidence.appendChild(line);
          }
          entry.appendChild(evidence);
        }
        findings.appendChild(entry);
      }
      item.appendChild(findings);
    }
    const report = document.createElement('details');
    const summary = document.createElement('summary');
    setText(summary, 'Bug report');
    report.appendChild(summary);
    const explain = document.createElement('pre');
    explain.className = 'explain';
    setText(explain, judged.explain);
    report.appendChild(explain);
    item.appendChild(report);
    return item;
  }

  /** PASS, FAIL if any prompt failed, PENDING before the first. */
  function overall(prompts) {
    return prompts.length === 0 ? 'PENDING' : prompts.some((p) => p.verdict === 'FAIL') ? 'FAIL' : 'PASS';
  }

  /** The prompts' verdicts as list items, details left open kept open across refreshes. */
  function promptItems(prompts, open) {
    return prompts.map((judged) => {
      const item = promptVerdict(judged);
      const key = (judged.user || '') + ' ' + judged.started;
      item.dataset.key = key;
      item.dataset.started = judged.started;
      if (open.has(key)) {
        item.querySelector('details').open = true;
      }
      return item;
    });
  }

  /** One user's lane of the verdict: the user's id, that user's running verdict, then each prompt's. */
  function verdictLane(user, index, open) {
    const lane = document.createElement('section');
    lane.className = 'verdict-lane';
    lane.dataset.user = user.user;
    const heading = document.createElement('h3');
    heading.id = 'verdict-lane-' + index;
    lane.setAttribute('aria-labelledby', heading.id);
    const name = document.createElement('span');
    name.className = 'lane-user';
    setText(name, user.user);
    heading.appendChild(name);
    heading.appendChild(document.createTextNode(' '));
    const verdict = overall(user.prompts || []);
    heading.appendChild(badge(verdict));
    const count = document.createElement('span');
    count.className = 'muted lane-count';
    const n = (user.prompts || []).length;
    setText(count, n === 0 ? ' no attempt yet' : n === 1 ? ' one prompt' : ' ' + n + ' prompts, newest first');
    heading.appendChild(count);
    lane.appendChild(heading);
    const list = document.createElement('ol');
    list.className = 'verdicts';
    list.replaceChildren(...promptItems(user.prompts || [], open));
    lane.appendChild(list);
    laneVerdicts.set(user.user, verdict);
    return lane;
  }

  function renderVerdict(verdict) {
    const prompts = verdict.prompts || [];
    const users = verdict.users || [];
    // The heading sums up: FAIL if any prompt failed.
    const all = overall(prompts);
    const heading = $('verdict-badge');
    setText(heading, all);
    heading.className = 'badge verdict-' + all.toLowerCase();
    const since = prompts.length === 0 ? ''
      : prompts.length === 1 ? 'one prompt since the last reset'
        : prompts.length + ' prompts since the last reset' + (users.length > 1 ? '' : ', newest first');
    setText($('verdict-summary'), users.length > 1 ? users.length + ' users' + (since ? ', ' + since : '') : since);
    $('verdict-pending').hidden = prompts.length > 0;
    setText($('verdict-ui'), prompts.some((p) => p.uiReported) ? 'UI reported where it says so; the rest: network behaviour only.'
      : 'UI not reported: network behaviour only.');
    const open = new Set([...$('verdict-panel').querySelectorAll('.prompt-verdict details[open]')]
      .map((d) => d.closest('.prompt-verdict').dataset.key));
    // Several users: one lane each, with its own running verdict; else one list, as with a single app.
    laneVerdicts = new Map();
    const lanes = users.length > 1;
    $('verdicts').hidden = lanes;
    $('verdict-lanes').hidden = !lanes;
    if (lanes) {
      $('verdicts').replaceChildren();
      $('verdict-lanes').replaceChildren(...users.map((user, index) => verdictLane(user, index, open)));
    } else {
      $('verdict-lanes').replaceChildren();
      $('verdicts').replaceChildren(...promptItems(prompts, open));
    }
    const nobody = lanes ? verdict.unattributed || 0 : 0;
    $('verdict-unattributed').hidden = nobody === 0;
    setText($('verdict-unattributed'), nobody === 0 ? '' : nobody + ' chat or responses request' + (nobody === 1 ? '' : 's')
      + ' could not be told apart by user and ' + (nobody === 1 ? 'is' : 'are') + ' judged for nobody: mark each request'
      + ' with the X-Chaosgate-User header, or the body\'s user field');
    showLaneVerdicts();
    renderReportUsers(lanes ? users.map((u) => u.user) : []);
  }

  /** The report's user menu: shown with several users, so what the app showed goes to the right user's prompt. */
  function renderReportUsers(users) {
    const select = $('report-user');
    const known = [...select.options].slice(1).map((o) => o.value);
    if (known.join('\n') !== users.join('\n')) {
      const chosen = select.value;
      [...select.options].slice(1).forEach((o) => o.remove());
      for (const user of users) {
        const option = document.createElement('option');
        option.value = user;
        setText(option, user);
        select.appendChild(option);
      }
      select.value = users.includes(chosen) ? chosen : '';
    }
    select.hidden = users.length === 0;
    $('report-user-label').hidden = users.length === 0;
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

  /** Shows what a button did, so a click never goes unanswered. */
  function confirm(text) {
    const status = $('status');
    setText(status, text);
    status.classList.remove('fresh');
    void status.offsetWidth; // restarts the flash
    status.classList.add('fresh');
  }

  /** Runs one button's action: the button is disabled meanwhile, errors are shown, the view refreshed after. */
  function action(buttonId, run, confirmation) {
    const button = $(buttonId);
    button.addEventListener('click', async () => {
      button.disabled = true;
      setText($('message'), '');
      setText($('status'), '');
      try {
        const answer = await run();
        if (answer && answer.scenario !== undefined && answer.phases !== undefined) {
          renderState(answer);
        }
        confirm(confirmation(answer));
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

  function phaseWords(state) {
    return state.phase ? 'phase ' + state.phase : 'no phase';
  }

  function recordingWords(state) {
    if (!state.recording) {
      return 'not recording';
    }
    return state.segment ? 'recording segment ' + state.segment + ' started' : 'a fresh recording started';
  }

  action('fail-button', () => {
    const count = Number($('fail-count').value);
    const fault = $('fail-fault').value;
    // A custom fault goes as typed: the gateway reads it as a scenario file's `upstream:` and names any mistake.
    return call('POST', 'fail-next', fault === CUSTOM_FAULT ? {count, upstream: $('fail-custom').value} : {count, fault});
  }, () => {
    const count = Number($('fail-count').value);
    const custom = $('fail-fault').value === CUSTOM_FAULT;
    const fault = custom ? $('fail-custom').value.trim() : $('fail-fault').value;
    const streamed = fault === 'stream-cut' || (custom && /\bstream\s*:/.test(fault));
    return 'Queued: ' + fault + ' on the next ' + (count === 1 ? '' : count + ' ')
      + (streamed ? 'streamed answer' : 'chat or responses request') + (count === 1 ? '' : 's');
  });
  action('pause-button', () => call('POST', 'pause'),
    () => 'Faults paused — every request is answered normally until Resume faults');
  action('resume-button', () => call('POST', 'resume'),
    (state) => 'Faults resumed — ' + phaseWords(state) + ' in force');
  action('reset-button', () => call('POST', 'reset'),
    (state) => 'Reset — ' + recordingWords(state) + '; ' + state.scenario + ' starts over from ' + phaseWords(state)
      + ', with a fresh verdict');
  action('scenario-button', () => call('POST', 'scenario', {name: $('scenario-select').value}),
    (state) => 'Switched to ' + state.scenario + ' — ' + recordingWords(state) + '; ' + phaseWords(state)
      + ', with a fresh verdict');
  action('report-button', async () => {
    const shown = $('report-shown').value.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
    const verdict = await call('POST', 'verdict', {
      user: $('report-user').value,
      prompt: $('report-prompt').value,
      shown,
      draft: $('report-draft').value,
    });
    renderVerdict(verdict);
    return verdict;
  }, (verdict) => {
    const judged = (verdict.prompts || []).find((p) => p.uiReported);
    return judged ? 'Judged with what the app showed: ' + judged.verdict + ' for '
      + ((verdict.users || []).length > 1 && judged.user ? judged.user + '\'s ' : '') + '"' + shortText(judged.prompt) + '"'
      : 'Saved what the app showed: it is judged with the app\'s next prompt';
  });

  function shortText(text) {
    return text && text.length > 40 ? text.substring(0, 39) + '…' : (text || '');
  }

  poll();
})();
