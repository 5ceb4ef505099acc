// Drives one headless Chromium for ConsoleTest: reads one JSON request per line on stdin,
// {"id": 1, "code": "await page.click('text=Sign in')"}, runs the code as the body of an async function
// of `page`, and writes {"id": 1, "ok": true, "value": ...} or {"id": 1, "ok": false, "error": "..."}.
// Playwright's own waits (locators, waitForSelector) await the real condition, up to 60 s each.
const {chromium} = require('playwright-core');
const readline = require('readline');

const [executablePath] = process.argv.slice(2);
const problems = [];

(async () => {
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    // Without the background-networking flags Chromium keeps calling hosts that a closed network (CI's)
    // refuses; as root it needs --no-sandbox. Playwright gives it a new empty profile of its own.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage({viewport: {width: 1280, height: 900}});
  page.setDefaultTimeout(60_000);
  page.on('pageerror', e => problems.push('page error: ' + e.message));
  page.on('console', m => { if (m.type() === 'error') problems.push('console error: ' + m.text()); });
  const AsyncFunction = (async () => {}).constructor;
  const out = r => process.stdout.write(JSON.stringify(r) + '\n');
  out({id: 0, ok: true, value: browser.version()});
  const lines = readline.createInterface({input: process.stdin});
  for await (const line of lines) {
    const {id, code} = JSON.parse(line);
    try {
      const value = await new AsyncFunction('page', 'problems', code)(page, problems);
      out({id, ok: true, value: value === undefined ? null : value});
    } catch (e) {
      out({id, ok: false, error: String(e && e.stack || e)});
    }
  }
  await browser.close();
})().catch(e => {
  process.stdout.write(JSON.stringify({id: 0, ok: false, error: String(e && e.stack || e)}) + '\n');
  process.exit(1);
});
