// npm's ws as the client of bench/websockets.sh: holds idle WebSockets open through Nubo's gateway.
//   node websockets-client.js URL HOST
// Reads commands on stdin, one a line, and answers each with one line on stdout:
//   open N   opens N more sockets (at most PARALLEL handshakes at once, each within 30 s)
//            -> "open <open now> failed <failures so far> <first failure or ->"
//   echo     sends "ping" on every open socket and waits (up to 60 s) for the echoes
//            -> "echo <answered> of <open now>"
//   quit     closes every socket and exits
// Sockets that close on their own are counted (and reported as "closed" in the next answer).
const WebSocket = require('ws');
const readline = require('readline');

const [url, host] = process.argv.slice(2);
const PARALLEL = 200;
const sockets = new Set();
let failed = 0, closedEarly = 0, firstFailure = '-';

function fail(why) {
  failed++;
  if (firstFailure === '-') firstFailure = why.replace(/\s+/g, '_');
}

function openOne() {
  return new Promise(resolve => {
    const ws = new WebSocket(url, { headers: { Host: host }, handshakeTimeout: 30000, perMessageDeflate: false });
    let settled = false;
    const done = ok => { if (!settled) { settled = true; resolve(ok); } };
    ws.on('open', () => { sockets.add(ws); done(true); });
    ws.on('unexpected-response', (req, res) => { fail('status ' + res.statusCode); req.destroy(); done(false); });
    ws.on('error', e => { if (!settled) fail(e.code || e.message); done(false); });
    ws.on('close', () => { if (sockets.delete(ws)) closedEarly++; done(false); });
  });
}

async function open(n) {
  let next = 0;
  const worker = async () => { while (next < n) { next++; await openOne(); } };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, n) }, worker));
  return `open ${sockets.size} failed ${failed} closed ${closedEarly} ${firstFailure}`;
}

function echo() {
  return new Promise(resolve => {
    const all = [...sockets];
    let answered = 0, pending = all.length;
    const finish = () => resolve(`echo ${answered} of ${all.length}`);
    if (pending === 0) return finish();
    const timer = setTimeout(finish, 60000);
    for (const ws of all) {
      ws.once('message', m => {
        if (String(m) === 'echo ping') answered++;
        if (--pending === 0) { clearTimeout(timer); finish(); }
      });
      ws.send('ping');
    }
  });
}

const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on('line', line => {
  queue = queue.then(async () => {
    const [cmd, arg] = line.trim().split(/\s+/);
    if (cmd === 'open') console.log(await open(+arg));
    else if (cmd === 'echo') console.log(await echo());
    else if (cmd === 'quit') { for (const ws of sockets) ws.terminate(); process.exit(0); }
    else console.log('unknown ' + line);
  });
});
lines.on('close', () => process.exit(0));
