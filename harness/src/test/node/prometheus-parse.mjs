// Parses the Prometheus text format read on stdin with parse-prometheus-text-format (a port of the
// official Python client's parser) and prints the metric families as JSON: the tests' independent
// reading of what /metrics serves. Exit 1 with the parser's message on text it refuses.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

let text = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) {
  text += chunk;
}
try {
  process.stdout.write(JSON.stringify(parsePrometheusTextFormat(text)));
} catch (e) {
  process.stderr.write(`not the Prometheus text format: ${e.message}\n`);
  process.exit(1);
}
