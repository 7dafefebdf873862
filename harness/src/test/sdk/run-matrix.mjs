#!/usr/bin/env node
// Runs the real-SDK matrix through `chaosgate run --client` and compares each verdict with the cell of
// expected.tsv, which comes from each SDK's documented policy (docs/sdk-policies.md), never from a run.
//
//   node harness/src/test/sdk/run-matrix.mjs [--client NAME]... [--scenario NAME]... [--out DIR]
//                                            [--cli "COMMAND"] [--client-timeout SECONDS]
//
// From the repository root. One `run` per client with all its scenarios (and one more with --stream true for
// its stream-mode cells, written `scenario[stream]`); reports land in DIR/<client>/report.json and
// DIR/<client>/stream/report.json (default DIR: target/sdk-matrix). Prints one line per cell and writes
// DIR/matrix.tsv (client, scenario, expected, got, match). Exits 1 when a cell differs, 2 on bad input.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../../..');

function fail(message) {
  console.error(`run-matrix: ${message}`);
  process.exit(2);
}

const options = { clients: [], scenarios: [], out: join(root, 'target/sdk-matrix'), cli: './chaosgate', clientTimeout: null };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const value = () => args[++i] ?? fail(`${args[i - 1]} needs a value`);
  switch (args[i]) {
    case '--client': options.clients.push(value()); break;
    case '--scenario': options.scenarios.push(value()); break;
    case '--out': options.out = resolve(value()); break;
    case '--cli': options.cli = value(); break;
    case '--client-timeout': options.clientTimeout = value(); break;
    default: fail(`unknown argument ${args[i]}; see the usage at the top of ${fileURLToPath(import.meta.url)}`);
  }
}

/** Rows of a TSV file: `#` lines and blank lines skipped, the header row (its first cell) skipped. */
function readTsv(file, columns, header) {
  const rows = [];
  readFileSync(file, 'utf8').split('\n').forEach((line, index) => {
    if (!line.trim() || line.startsWith('#')) return;
    const cells = line.split('\t');
    if (cells[0] === header) return;
    if (cells.length !== columns) fail(`${file}:${index + 1}: ${cells.length} tab-separated cells where ${columns} are needed`);
    rows.push({ line: index + 1, cells });
  });
  return rows;
}

const clients = new Map();
for (const { line, cells: [name, kind, command, prompt, description] } of readTsv(join(here, 'clients.tsv'), 5, 'name')) {
  if (kind !== 'sdk') fail(`clients.tsv:${line}: kind '${kind}' where 'sdk' is needed`);
  clients.set(name, { command, prompt: prompt === '-' ? null : prompt, description });
}

const cells = [];
for (const { line, cells: [client, scenario, expected, why] } of readTsv(join(here, 'expected.tsv'), 4, 'client')) {
  if (!clients.has(client)) fail(`expected.tsv:${line}: unknown client '${client}' (not in clients.tsv)`);
  if (!/^(PASS|FAIL:[A-Z_]+(\+[A-Z_]+)*|SKIP:.+)$/.test(expected)) {
    fail(`expected.tsv:${line}: '${expected}' is not PASS, FAIL:CODE+CODE or SKIP:reason`);
  }
  if (!why.trim()) fail(`expected.tsv:${line}: the why column is empty`);
  cells.push({ client, scenario, expected });
}

const chosen = cells.filter((c) => !c.expected.startsWith('SKIP:')
  && (options.clients.length === 0 || options.clients.includes(c.client))
  && (options.scenarios.length === 0 || options.scenarios.includes(c.scenario)));
if (chosen.length === 0) fail('no cell to run (check --client and --scenario)');

/** The codes of a verdict as the expected.tsv spelling: PASS or FAIL:A+B (sorted). */
function spell(result) {
  if (!result) return 'MISSING';
  if (result.verdict === 'PASS') return 'PASS';
  if (result.verdict === 'SKIPPED') return 'SKIPPED';
  const codes = [...new Set((result.findings ?? []).map((f) => f.code))].sort();
  return `FAIL:${codes.join('+')}`;
}

function normalise(expected) {
  if (!expected.startsWith('FAIL:')) return expected;
  return `FAIL:${expected.slice(5).split('+').sort().join('+')}`;
}

mkdirSync(options.out, { recursive: true });
const lines = [];
let mismatches = 0;
const STREAM = '[stream]';
for (const [name, client] of clients) {
  const mine = chosen.filter((c) => c.client === name);
  // Plain cells as `chaosgate run` plays named scenarios; `scenario[stream]` cells in a second run with --stream true.
  for (const streamed of [false, true]) {
    const part = mine.filter((c) => c.scenario.endsWith(STREAM) === streamed);
    if (part.length === 0) continue;
    const reportDir = join(options.out, name, streamed ? 'stream' : '');
    const command = [...options.cli.split(' '), 'run', ...part.map((c) => c.scenario.replace(STREAM, '')), '--client', client.command,
      '--report-dir', reportDir];
    if (streamed) command.push('--stream', 'true');
    if (client.prompt) command.push('--prompt', client.prompt);
    if (options.clientTimeout) command.push('--client-timeout', options.clientTimeout);
    console.log(`== ${name}: ${part.length} scenario(s)${streamed ? ', streamed' : ''}`);
    try {
      execFileSync(command[0], command.slice(1), { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    } catch (e) {
      if (e.status !== 1) fail(`chaosgate run for ${name} exited with ${e.status}; see its output above`);
    }
    const reportFile = join(reportDir, 'report.json');
    if (!existsSync(reportFile)) fail(`no ${reportFile} after the run of ${name}`);
    const results = new Map(JSON.parse(readFileSync(reportFile, 'utf8')).scenarios.map((s) => [s.name, s]));
    for (const cell of part) {
      const got = spell(results.get(cell.scenario.replace(STREAM, '')));
      const match = normalise(cell.expected) === got;
      if (!match) mismatches++;
      lines.push([name, cell.scenario, cell.expected, got, match ? 'ok' : 'DIFF'].join('\t'));
    }
  }
}

const table = ['client\tscenario\texpected\tgot\tmatch', ...lines].join('\n') + '\n';
writeFileSync(join(options.out, 'matrix.tsv'), table);
console.log(`\n${table}`);
console.log(`${lines.length - mismatches} of ${lines.length} cell(s) as expected; matrix: ${join(options.out, 'matrix.tsv')}`);
process.exit(mismatches === 0 ? 0 : 1);
