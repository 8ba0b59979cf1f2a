// GraphQL-over-HTTP conformance audit of a running server, using graphql-http's
// server audits.
//
//   node tests/http_audit/audit.mjs http://127.0.0.1:PORT/graphql [--fail-on-notice]
//
// Prints one line per audit: `PASS|FAIL|WARN <level> <id> <name>`, where level
// is the requirement the audit's name starts with (MUST, SHOULD or MAY; the
// library reports failures of these as status error, warn and notice). A failed
// MUST or SHOULD prints FAIL; a failed MAY prints WARN (FAIL with
// --fail-on-notice or AUDIT_FAIL_ON_NOTICE=1). Each failure is followed by the
// reason, the request(s) the audit sent and the response it judged.
//
// Exit code: 1 if any MUST or SHOULD audit failed (or any MAY one, with
// --fail-on-notice), 2 on a usage or fatal error, else 0.
//
// The audits are graphql-http's `serverAudits`, run one after another: that is
// exactly what `auditServer` does (it runs the same list with Promise.all), but
// sequential runs let each result be paired with the requests it sent.
import { serverAudits } from 'graphql-http';

const LEVELS = ['MUST', 'SHOULD', 'MAY'];
const TRUNCATE = 300;

function usage(message) {
  if (message) console.error(message);
  console.error(
    'usage: node tests/http_audit/audit.mjs http://127.0.0.1:PORT/graphql [--fail-on-notice]',
  );
  process.exit(2);
}

const args = process.argv.slice(2);
let url;
let failOnNotice = ['1', 'true', 'yes'].includes(
  (process.env.AUDIT_FAIL_ON_NOTICE || '').toLowerCase(),
);
for (const arg of args) {
  if (arg === '--fail-on-notice') failOnNotice = true;
  else if (arg === '-h' || arg === '--help') usage();
  else if (arg.startsWith('-')) usage(`unknown option ${arg}`);
  else if (url) usage('only one URL may be given');
  else url = arg;
}
if (!url) usage('missing the server URL');
try {
  new URL(url);
} catch {
  usage(`not a URL: ${url}`);
}

function truncate(text) {
  const s = String(text);
  return s.length > TRUNCATE ? `${s.slice(0, TRUNCATE)}… (${s.length} chars)` : s;
}

function levelOf(name) {
  return LEVELS.find((level) => name.startsWith(`${level} `)) ?? name.split(' ')[0];
}

function headersOf(init) {
  const out = {};
  if (init && init.headers) {
    for (const [key, value] of new Headers(init.headers)) out[key] = value;
  }
  return out;
}

// Requests sent by the audit now running.
let sent = [];
const recordingFetch = (input, init) => {
  sent.push({
    method: (init && init.method) || 'GET',
    url: String(input),
    headers: headersOf(init),
    body: init && init.body !== undefined ? String(init.body) : undefined,
  });
  return fetch(input, init);
};

async function describeResponse(res) {
  if (!res) return ['    response: (none)'];
  const lines = [
    `    response: ${res.status} ${res.statusText}`,
    `      content-type: ${res.headers.get('content-type') ?? '(none)'}`,
  ];
  let body;
  if (res.bodyUsed) {
    body = '(body already read by the audit)';
  } else {
    try {
      body = truncate(await res.text());
    } catch (err) {
      body = `(could not read the body: ${err})`;
    }
  }
  lines.push(`      body: ${body}`);
  return lines;
}

function describeRequests(requests) {
  const lines = [];
  for (const req of requests) {
    lines.push(`    request: ${req.method} ${req.url}`);
    const headers = Object.entries(req.headers);
    lines.push(
      `      headers: ${headers.length ? headers.map(([k, v]) => `${k}: ${v}`).join('; ') : '(none set)'}`,
    );
    lines.push(`      body: ${req.body === undefined ? '(none)' : truncate(req.body)}`);
  }
  return lines;
}

const counts = Object.fromEntries(
  LEVELS.map((level) => [level, { pass: 0, fail: 0 }]),
);
let failedGating = 0;

const audits = serverAudits({ url, fetchFn: recordingFetch });
for (const { id, name, fn } of audits) {
  sent = [];
  let result;
  try {
    result = await fn();
  } catch (err) {
    // graphql-http only lets non-assertion errors (network, etc.) escape.
    console.error(`fatal error in audit ${id} (${name}): ${err && err.stack ? err.stack : err}`);
    process.exit(2);
  }
  const level = levelOf(result.name);
  counts[level] ??= { pass: 0, fail: 0 };
  if (result.status === 'ok') {
    counts[level].pass += 1;
    console.log(`PASS ${level} ${result.id} ${result.name}`);
    continue;
  }
  counts[level].fail += 1;
  const gating =
    result.status === 'error' || result.status === 'warn' || failOnNotice;
  if (gating) failedGating += 1;
  console.log(`${gating ? 'FAIL' : 'WARN'} ${level} ${result.id} ${result.name}`);
  console.log(`    reason: ${result.reason} (status ${result.status})`);
  for (const line of describeRequests(sent)) console.log(line);
  for (const line of await describeResponse(result.response)) console.log(line);
}

console.log('');
console.log('summary:');
for (const [level, { pass, fail }] of Object.entries(counts)) {
  console.log(`  ${level.padEnd(6)} ${pass} passed, ${fail} failed`);
}
const gatingLevels = failOnNotice ? 'MUST, SHOULD or MAY' : 'MUST or SHOULD';
if (failedGating > 0) {
  console.log(`audit failed: ${failedGating} ${gatingLevels} audit(s) failed`);
  process.exit(1);
}
console.log(`audit ok: no ${gatingLevels} audit failed`);
