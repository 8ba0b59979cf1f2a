// Checks the GraphiQL page in a real (headless) Chromium, offline.
//
//   node tests/browser/graphiql.mjs http://127.0.0.1:PORT [SUBSCRIPTION [EXPECTED]]
//
// Needs Debian's chromium (/usr/bin/chromium, or $CHROMIUM) and `npm ci` in
// tests/browser. Opens BASE/graphql and checks, printing PASS/FAIL lines:
//   - every request goes to 127.0.0.1/localhost: any other host is aborted and
//     is a failure (the browser also resolves no other host name);
//   - the page's assets load (no HTTP error from /graphql/assets/...);
//   - the documentation explorer shows the schema: root type Query, and its
//     field `coalitions`;
//   - a query `{ coalitions(first: 1) { totalCount } }` runs (POST /graphql)
//     and the result pane shows totalCount;
//   - a subscription runs over the WebSocket BASE/graphql/ws (graphql-transport-ws):
//     connection_init / connection_ack, the subscribe message carries the
//     document, the server answers it (next or error), and the result pane shows
//     EXPECTED. Default: `subscription { myNotifications { reason } }`, which
//     without a session the server refuses with extensions.code UNAUTHENTICATED:
//     that answer can only come back over the socket, so it proves the path.
//   - no console error and no uncaught exception on the page.
// Exits 1 on any failure, or when the whole run takes over 60 s.
// GRAPHIQL_HEADERS='{"Authorization":"Bearer <token>"}' types those headers in
// GraphiQL's Headers tab first: they go with the query, and in the WebSocket's
// connection_init payload, which the test then checks.
// GRAPHIQL_SCREENSHOT=/path.png saves a screenshot of the final page.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const TOTAL_TIMEOUT_MS = 60_000;
const STEP_TIMEOUT_MS = 20_000;
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const QUERY = '{ coalitions(first: 1) { totalCount } }';
const DEFAULT_SUBSCRIPTION = 'subscription { myNotifications { reason } }';
const DEFAULT_EXPECTED = 'UNAUTHENTICATED';
// Console messages that are not failures. Empty today: add a pattern here with
// the reason it is harmless.
const HARMLESS_CONSOLE = [];

const [base, subscription = DEFAULT_SUBSCRIPTION, expected = DEFAULT_EXPECTED] =
  process.argv.slice(2);
if (!base || !/^https?:\/\//.test(base)) {
  console.error('usage: node tests/browser/graphiql.mjs http://127.0.0.1:PORT [SUBSCRIPTION [EXPECTED]]');
  process.exit(2);
}
const pageUrl = new URL('/graphql', base).toString();
let headers = null;
if (process.env.GRAPHIQL_HEADERS) {
  try {
    headers = JSON.parse(process.env.GRAPHIQL_HEADERS);
  } catch (e) {
    console.error(`GRAPHIQL_HEADERS is not JSON: ${e.message}`);
    process.exit(2);
  }
}

let passed = 0;
let failed = 0;
function pass(what) {
  passed += 1;
  console.log(`PASS: ${what}`);
}
function fail(what) {
  failed += 1;
  console.log(`FAIL: ${what}`);
}
function check(ok, what, detail = '') {
  if (ok) pass(what);
  else fail(detail ? `${what} (${detail})` : what);
  return ok;
}

let context;
let userDataDir;
async function cleanup() {
  await context?.close().catch(() => {});
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
}
const overall = setTimeout(async () => {
  fail(`the run took over ${TOTAL_TIMEOUT_MS / 1000} s`);
  console.log(`${passed} passed, ${failed} failed`);
  await cleanup();
  process.exit(1);
}, TOTAL_TIMEOUT_MS);

const offHost = [];       // requests to hosts other than this machine
const httpErrors = [];    // failed or erroring local requests
const consoleErrors = []; // console errors and uncaught exceptions
const sockets = [];       // WebSockets the page opened, with their frames
let introspectionAnswer = null; // the server's answer to GraphiQL's introspection query

function isLocal(url) {
  try {
    const u = new URL(url);
    if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
    return LOCAL_HOSTS.has(u.hostname) || LOCAL_HOSTS.has(`[${u.hostname}]`);
  } catch {
    return false;
  }
}

/** The text of a CodeMirror 5 editor inside `selector`. */
function editorValue(page, selector) {
  return page.evaluate((sel) => {
    const cm = document.querySelector(`${sel} .CodeMirror`);
    return cm && cm.CodeMirror ? cm.CodeMirror.getValue() : null;
  }, selector);
}

async function setQuery(page, text) {
  const ok = await page.evaluate((value) => {
    const cm = document.querySelector('.graphiql-query-editor .CodeMirror');
    if (!cm || !cm.CodeMirror) return false;
    cm.CodeMirror.setValue(value);
    return true;
  }, text);
  if (!ok) throw new Error('no query editor (CodeMirror) on the page');
  // GraphiQL parses the edited document 100 ms after a change (debounced), and
  // createFetcher routes by that parse: a subscription goes to the WebSocket
  // only once it is seen as one. Wait as a person would before pressing Run.
  await page.waitForTimeout(500);
}

/** Runs the editor's operation and waits for the result pane to contain `needle`. */
async function runAndWaitFor(page, needle) {
  await page.click('.graphiql-execute-button');
  await page.waitForFunction(
    (n) => {
      const cm = document.querySelector('.graphiql-response .CodeMirror');
      return cm && cm.CodeMirror && cm.CodeMirror.getValue().includes(n);
    },
    needle,
    { timeout: STEP_TIMEOUT_MS },
  );
  // It must also be on screen, not only in the editor's model.
  await page.locator('.graphiql-response .CodeMirror-code').getByText(needle).first()
    .waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  return editorValue(page, '.graphiql-response');
}

async function main() {
  userDataDir = await mkdtemp(path.join(tmpdir(), 'graphiql-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // Belt and braces: no host name but localhost resolves at all.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
    ],
    viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());

  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    offHost.push(url);
    return route.abort('blockedbyclient');
  });
  page.on('websocket', (ws) => {
    const record = { url: ws.url(), sent: [], received: [], closed: false };
    sockets.push(record);
    if (!isLocal(ws.url())) offHost.push(ws.url());
    ws.on('framesent', (f) => record.sent.push(String(f.payload)));
    ws.on('framereceived', (f) => record.received.push(String(f.payload)));
    ws.on('close', () => { record.closed = true; });
  });
  page.on('requestfailed', (req) => {
    if (isLocal(req.url())) httpErrors.push(`${req.method()} ${req.url()}: ${req.failure()?.errorText}`);
  });
  page.on('response', async (res) => {
    if (res.status() >= 400) httpErrors.push(`${res.request().method()} ${res.url()}: HTTP ${res.status()}`);
    if (res.request().method() === 'POST' && (res.request().postData() || '').includes('IntrospectionQuery')) {
      const body = await res.text().catch(() => '');
      introspectionAnswer = `HTTP ${res.status()} ${body.length > 300 ? `${body.slice(0, 300)}…` : body}`;
    }
  });
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (HARMLESS_CONSOLE.some((re) => re.test(text))) return;
    consoleErrors.push(`console.error: ${text}`);
  });
  page.on('pageerror', (err) => consoleErrors.push(`uncaught: ${err.message}`));

  // 1. The page and its assets.
  const response = await page.goto(pageUrl, { waitUntil: 'load', timeout: STEP_TIMEOUT_MS });
  check(response && response.ok(), `GET ${pageUrl} answers 200`, `HTTP ${response?.status()}`);
  await page.waitForSelector('.graphiql-container', { timeout: STEP_TIMEOUT_MS })
    .catch(() => { throw new Error(`GraphiQL did not render within ${STEP_TIMEOUT_MS / 1000} s`); });
  pass('GraphiQL rendered (.graphiql-container)');

  // 2. The documentation explorer shows the schema.
  try {
    await page.click('.graphiql-sidebar button[aria-label*="Documentation Explorer"]', { timeout: STEP_TIMEOUT_MS });
    const explorer = page.locator('.graphiql-doc-explorer');
    const queryType = explorer.locator('a.graphiql-doc-explorer-type-name', { hasText: /^Query$/ });
    const explorerError = explorer.locator('.graphiql-doc-explorer-error');
    await queryType.first().or(explorerError.first()).waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    if (await explorerError.count()) {
      const shown = (await explorerError.first().innerText()).trim();
      throw new Error(`it shows "${shown}"; the server answered the introspection query with ${introspectionAnswer ?? 'nothing'}`);
    }
    pass('docs explorer lists the root type Query');
    await queryType.first().click();
    await explorer.locator('.graphiql-doc-explorer-title', { hasText: /^Query$/ })
      .waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await explorer.locator('a.graphiql-doc-explorer-field-name', { hasText: /^coalitions$/ })
      .first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    pass('docs explorer shows Query.coalitions');
  } catch (e) {
    fail(`docs explorer shows the schema (${e.message.split('\n')[0]})`);
  }

  // 3. Optional headers, typed in the Headers tab.
  if (headers) {
    try {
      await page.click('.graphiql-editor-tools button[data-name="headers"]', { timeout: STEP_TIMEOUT_MS });
      const ok = await page.evaluate((value) => {
        const visible = [...document.querySelectorAll(
          'section.graphiql-editor-tool[aria-label="Headers"] .graphiql-editor:not(.hidden) .CodeMirror')];
        if (visible.length !== 1 || !visible[0].CodeMirror) return false;
        visible[0].CodeMirror.setValue(value);
        return true;
      }, JSON.stringify(headers, null, 2));
      if (!ok) throw new Error('no single visible headers editor');
      await page.waitForTimeout(500);
      pass(`headers set in the Headers tab: ${Object.keys(headers).join(', ')}`);
    } catch (e) {
      fail(`set the headers (${e.message.split('\n')[0]})`);
    }
  }

  // 4. A query over HTTP.
  try {
    await setQuery(page, QUERY);
    const posted = page.waitForRequest(
      (r) => r.method() === 'POST' && new URL(r.url()).pathname === '/graphql'
        && (r.postData() || '').includes('totalCount'),
      { timeout: STEP_TIMEOUT_MS },
    );
    const [, request] = await Promise.all([runAndWaitFor(page, 'totalCount'), posted]);
    const text = await editorValue(page, '.graphiql-response');
    const count = JSON.parse(text)?.data?.coalitions?.totalCount;
    check(Number.isInteger(count), `query ran over POST ${new URL(request.url()).pathname}; result pane shows totalCount`,
      `result: ${text}`);
    if (headers) {
      const sentHeaders = request.headers();
      check(Object.entries(headers).every(([k, v]) => sentHeaders[k.toLowerCase()] === v),
        'the headers went with the POST');
    }
  } catch (e) {
    fail(`query ${QUERY} shows totalCount (${e.message.split('\n')[0]})`);
  }

  // 5. A subscription over the WebSocket.
  try {
    await setQuery(page, subscription);
    const text = await runAndWaitFor(page, expected);
    pass(`subscription result pane shows ${JSON.stringify(expected)}`);
    const ws = sockets.find((s) => new URL(s.url).pathname === '/graphql/ws');
    if (check(ws, 'a WebSocket to /graphql/ws was opened', `sockets: ${sockets.map((s) => s.url).join(', ') || 'none'}`)) {
      const sent = ws.sent.map((f) => JSON.parse(f));
      const received = ws.received.map((f) => JSON.parse(f));
      const init = sent.find((m) => m.type === 'connection_init');
      check(init && received.some((m) => m.type === 'connection_ack'),
        'graphql-transport-ws handshake: connection_init, connection_ack', `frames received: ${ws.received.join(' ')}`);
      if (headers && init) {
        const payload = init.payload || {};
        check(Object.entries(headers).every(([k, v]) => payload[k] === v),
          'the headers went in the connection_init payload', `payload keys: ${Object.keys(payload).join(', ')}`);
      }
      const subscribe = sent.find((m) => m.type === 'subscribe' && m.payload?.query === subscription);
      if (check(subscribe, 'the subscription document was sent in a subscribe message')) {
        const answer = received.find((m) => m.id === subscribe.id && (m.type === 'next' || m.type === 'error'));
        check(answer && JSON.stringify(answer).includes(expected),
          `the server answered it over the socket (${answer?.type}) with ${JSON.stringify(expected)}`,
          `frames received: ${ws.received.join(' ')}`);
      }
    }
    if (text) console.log(`  result pane: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
  } catch (e) {
    fail(`subscription shows ${JSON.stringify(expected)} (${e.message.split('\n')[0]})`);
  }

  if (process.env.GRAPHIQL_SCREENSHOT) {
    await page.screenshot({ path: process.env.GRAPHIQL_SCREENSHOT });
    console.log(`  screenshot: ${process.env.GRAPHIQL_SCREENSHOT}`);
  }

}

try {
  await main();
} catch (e) {
  fail(`could not go on: ${e.message.split('\n')[0]}`);
}
// 6. Offline, and clean (checked whatever happened above).
check(offHost.length === 0, 'no request left this machine', `blocked: ${offHost.join(', ')}`);
check(httpErrors.length === 0, 'no failed or erroring request', httpErrors.join('; '));
check(consoleErrors.length === 0, 'no console error or uncaught exception', consoleErrors.join('; '));
clearTimeout(overall);
await cleanup();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
