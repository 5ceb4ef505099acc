// Nubo's runtime for `runtime: node` functions: serves a Lambda-style handler over HTTP.
//
//   fresh:  PORT=8080 NUBO_HANDLER=index.handler node nubo-node.mjs        (cwd = the function's code)
//   pooled: NUBO_POOL=1 node nubo-node.mjs, then the specialisation message on stdin
//
// The environment, the specialisation message, invocation semantics and exit codes are those of
// Nubo's pooled-runtime protocol (pool-protocol.md). Node 18+ built-ins only: no npm packages.
//
// Every request is one invocation: the body parsed as JSON is the event, the handler's result is the
// JSON body of a 200; what the handler throws becomes a 500 {"error":{"type","message"}}. Lines the
// runtime prints start with `nubo: `, tagged `[request id] ` when they are about an invocation.

import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { AsyncLocalStorage } from 'node:async_hooks';
import util from 'node:util';

const startedAt = performance.now();

/** Bursts arrive at once when the gateway releases the requests it held during a cold start. */
const BACKLOG = 1024;
/** Longer than the gateway keeps an idle connection (3 s), so that it, not we, closes it: no reuse race. */
const KEEP_ALIVE_MS = 65_000;
const EXTENSIONS = ['.js', '.mjs', '.cjs'];

/** Thrown when the function cannot start; its message is `<cause> (<fix>)`. */
class InitFailure extends Error {
  constructor(message, ...userError) {
    super(message);
    this.threw = userError.length > 0; // what the user's code threw, even undefined
    this.userError = userError[0];
  }
}

// ---------------------------------------------------------------------------------------------
// Configuration: the only place that reads the platform's variables.
//
//   PORT                   required      port to listen on, on 127.0.0.1 only (the gateway is the way in)
//   NUBO_HANDLER           required      `index.handler`: export `handler` of index.js|.mjs|.cjs
//                                        (a path prefix such as `src/index.handler` is allowed)
//   NUBO_WORKDIR           cwd           the function's code directory
//   NUBO_SERVICE           local         context.functionName (AWS_LAMBDA_FUNCTION_NAME wins)
//   NUBO_REVISION          local         context.functionVersion (AWS_LAMBDA_FUNCTION_VERSION wins)
//   NUBO_INSTANCE          <revision>    context.logStreamName
//   NUBO_TIMEOUT_MS        30000         deadline of an invocation = arrival + this
//   NUBO_RECYCLE_GRACE_MS  2000          an invocation still running this long after its deadline
//                                        ends the process with status 3
//   NUBO_MEMORY_MB         128           context.memoryLimitInMB (AWS_LAMBDA_FUNCTION_MEMORY_SIZE wins)
//   AWS_REGION             us-east-1     the region in context.invokedFunctionArn
//   NUBO_LAYERS            none          the function's layers, directories separated by ':' (see useLayers)
// ---------------------------------------------------------------------------------------------

function configFrom(env) {
  const service = env.AWS_LAMBDA_FUNCTION_NAME || env.NUBO_SERVICE || 'local';
  const revision = env.AWS_LAMBDA_FUNCTION_VERSION || env.NUBO_REVISION || 'local';
  return Object.freeze({
    port: port(env.PORT),
    handler: required(env, 'NUBO_HANDLER', 'set it to `handler` from nubo.yaml, e.g. index.handler'),
    workdir: path.resolve(env.NUBO_WORKDIR || process.cwd()),
    service,
    revision,
    instance: env.NUBO_INSTANCE || revision,
    timeoutMs: millis(env, 'NUBO_TIMEOUT_MS', 30_000),
    graceMs: millis(env, 'NUBO_RECYCLE_GRACE_MS', 2_000),
    memoryMb: String(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE || env.NUBO_MEMORY_MB || '128'),
    region: env.AWS_REGION || 'us-east-1',
    layers: (env.NUBO_LAYERS || '').split(path.delimiter).filter((l) => l !== ''),
  });
}

function required(env, key, fix) {
  const value = (env[key] || '').trim();
  if (!value) throw new InitFailure(`${key} is not set (${fix})`);
  return value;
}

function port(value) {
  if (!value || !value.trim()) {
    throw new InitFailure('PORT is not set (the platform sets it; to run the function by hand, set e.g. PORT=8080)');
  }
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new InitFailure(`PORT must be a number from 1 to 65535, got '${value}'`);
  }
  return n;
}

function millis(env, key, fallback) {
  const value = (env[key] || '').trim();
  if (!value) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InitFailure(`${key} must be a whole number of milliseconds, got '${value}'`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// The watchdog: a worker thread, because a handler that blocks the event loop (`while (true) {}`)
// stops every timer of the main thread. When an invocation runs past deadline + grace it prints the
// line and ends the process with status 3.
//
// The threads share a table of running invocations in a SharedArrayBuffer rather than exchange
// messages, so that an invocation costs a few memory writes and no system call: slot i holds a
// sequence number (odd while an invocation runs in it), deadline, timeout and grace (ms on the clock
// below) and the request id. The worker sleeps until the earliest expiry; the main thread wakes it
// only when it may be sleeping too long: when it knew of no running invocation (IDLE), or when the
// timeout changed (at specialisation). Otherwise a new invocation cannot expire before those it knows.
// ---------------------------------------------------------------------------------------------

/** Wall-clock milliseconds that never go back; the same in both threads. */
const now = () => performance.timeOrigin + performance.now();

const WATCHDOG_SLOTS = 8192;
const WATCHDOG_ID_BYTES = 64; // one length byte, then the request id's first 63 bytes of UTF-8
const [GEN, IDLE, HIGH] = [0, 1, 2]; // control words: wake-up generation, worker knows of nothing, slots in use

function watchdogViews(buffer) {
  const n = WATCHDOG_SLOTS;
  return {
    control: new Int32Array(buffer, 0, 4),
    seqs: new Int32Array(buffer, 16, n),
    times: new Float64Array(buffer, 16 + 4 * n, 3 * n),
    ids: new Uint8Array(buffer, 16 + 28 * n, WATCHDOG_ID_BYTES * n),
  };
}

const WATCHDOG = `
const fs = require('node:fs');
const [WATCHDOG_SLOTS, WATCHDOG_ID_BYTES, GEN, IDLE, HIGH] = [${WATCHDOG_SLOTS}, ${WATCHDOG_ID_BYTES}, ${GEN}, ${IDLE}, ${HIGH}];
const { control, seqs, times, ids } = (${watchdogViews})(require('node:worker_threads').workerData);
const now = ${now.toString()};

function watch() {
  for (;;) {
    Atomics.store(control, IDLE, 1); // until the scan proves otherwise, every start must wake us
    const generation = Atomics.load(control, GEN);
    const t = now();
    let earliest = Infinity;
    for (let i = 0, high = Atomics.load(control, HIGH); i < high; i++) {
      const seq = Atomics.load(seqs, i);
      if ((seq & 1) === 0) continue;
      const [deadline, timeoutMs, graceMs] = times.subarray(3 * i, 3 * i + 3);
      const id = ids.slice(WATCHDOG_ID_BYTES * i + 1, WATCHDOG_ID_BYTES * i + 1 + ids[WATCHDOG_ID_BYTES * i]);
      if (Atomics.load(seqs, i) !== seq) continue; // it ended while we read it
      if (deadline + graceMs <= t) return expire(Buffer.from(id.buffer).toString(), t - deadline, timeoutMs);
      earliest = Math.min(earliest, deadline + graceMs);
    }
    if (earliest !== Infinity) Atomics.store(control, IDLE, 0);
    Atomics.wait(control, GEN, generation, earliest === Infinity ? Infinity : earliest - t);
  }
}

function expire(id, late, timeoutMs) {
  try {
    fs.writeSync(2, 'nubo: invocation ' + id + ' still running ' + Math.round(late) + ' ms after its ' + timeoutMs
        + ' ms timeout; exiting so that Nubo replaces this instance\\n');
  } catch {}
  // process.exit here would only end this thread. The inspector runs an expression on the main
  // thread at V8's next interrupt check, which even a busy loop reaches; a thread stuck in a system
  // call never does, hence SIGKILL a second later.
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), 1000);
  try {
    const session = new (require('node:inspector').Session)();
    session.connectToMainThread();
    // The inspector says "Waiting for the debugger to disconnect..." on exit: noise in the function's log.
    fs.closeSync(2);
    fs.openSync('/dev/null', 'w');
    session.post('Runtime.evaluate', { expression: 'process.reallyExit(3)' });
  } catch {
    process.kill(process.pid, 'SIGKILL');
  }
}

watch();
`;

function startWatchdog() {
  const buffer = new SharedArrayBuffer(16 + (4 + 24 + WATCHDOG_ID_BYTES) * WATCHDOG_SLOTS);
  const { control, seqs, times, ids } = watchdogViews(buffer);
  const worker = new Worker(WATCHDOG, { eval: true, workerData: buffer,
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 } });
  worker.unref();
  worker.on('error', (e) => {
    fs.writeSync(2, `nubo: the timeout watchdog stopped (${e}); timed-out invocations will not recycle this instance\n`);
  });
  const free = [];
  let high = 0;
  let lastCfg = null;
  let warned = false;
  return {
    /** Watches an invocation until end(slot); returns its slot, -1 if all are taken. */
    start(requestId, deadline, cfg) {
      const slot = free.length > 0 ? free.pop() : high < WATCHDOG_SLOTS ? high++ : -1;
      if (slot === -1) {
        if (!warned) fs.writeSync(2, `nubo: more than ${WATCHDOG_SLOTS} invocations at once; those beyond are not recycled on timeout\n`);
        warned = true;
        return slot;
      }
      if (slot === high - 1) Atomics.store(control, HIGH, high);
      times[3 * slot] = deadline;
      times[3 * slot + 1] = cfg.timeoutMs;
      times[3 * slot + 2] = cfg.graceMs;
      const { written } = ENCODER.encodeInto(requestId, ids.subarray(WATCHDOG_ID_BYTES * slot + 1, WATCHDOG_ID_BYTES * (slot + 1)));
      ids[WATCHDOG_ID_BYTES * slot] = written;
      Atomics.add(seqs, slot, 1);
      if (cfg !== lastCfg || Atomics.load(control, IDLE) === 1) {
        lastCfg = cfg;
        Atomics.add(control, GEN, 1);
        Atomics.notify(control, GEN);
      }
      return slot;
    },
    end(slot) {
      if (slot === -1) return;
      Atomics.add(seqs, slot, 1);
      free.push(slot);
    },
  };
}

const ENCODER = new TextEncoder();

// ---------------------------------------------------------------------------------------------
// Loading the handler, as Lambda does: `dir/file.export.path` → dir/file.js|.mjs|.cjs, imported
// (so ESM and CommonJS both work), then the export, looked up in the module and in its default.
// ---------------------------------------------------------------------------------------------

/**
 * The layers' modules where require() finds them, as Lambda's NODE_PATH has /opt/nodejs/node_modules:
 * each layer's nodejs/nodeNN/node_modules and nodejs/node_modules, a later layer first (in /opt its
 * files would have replaced the earlier ones'). Like NODE_PATH on Lambda, this serves require(), not
 * an ES module's import of a bare name.
 */
function useLayers(cfg) {
  if (cfg.layers.length === 0) return;
  const major = process.versions.node.split('.')[0];
  const dirs = [...cfg.layers].reverse().flatMap((layer) => [path.join(layer, 'nodejs', `node${major}`, 'node_modules'),
    path.join(layer, 'nodejs', 'node_modules')]);
  process.env.NODE_PATH = [...dirs, ...(process.env.NODE_PATH ? [process.env.NODE_PATH] : [])].join(path.delimiter);
  createRequire(import.meta.url)('node:module').Module._initPaths();
}

async function loadHandler(cfg) {
  useLayers(cfg);
  const spec = cfg.handler;
  const slash = spec.lastIndexOf('/');
  const name = spec.slice(slash + 1);
  const dot = name.indexOf('.');
  if (dot <= 0 || dot === name.length - 1) {
    throw new InitFailure(`handler '${spec}' is not of the form file.export (set handler in nubo.yaml to e.g.`
        + ' index.handler, for the export `handler` of index.js)');
  }
  const moduleName = spec.slice(0, slash + 1) + name.slice(0, dot);
  const exportPath = name.slice(dot + 1);
  const file = EXTENSIONS.map((ext) => path.resolve(cfg.workdir, moduleName + ext)).find(isFile);
  if (!file) {
    throw new InitFailure(`cannot find ${EXTENSIONS.map((ext) => moduleName + ext).join(', ')} in ${cfg.workdir}`
        + ` (handler '${spec}' names that file: deploy it, or fix handler in nubo.yaml)`);
  }
  const shown = path.relative(cfg.workdir, file);
  let module;
  try {
    module = await import(pathToFileURL(file).href);
  } catch (e) {
    if (e && (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND')) {
      throw new InitFailure(`${shown} cannot be loaded: ${firstLine(e.message)}`
          + ' (deploy its dependencies with it, e.g. run npm install before nubo deploy)', e);
    }
    throw Object.assign(new InitFailure(`${shown} threw while loading: ${describe(e).type}: ${firstLine(describe(e).message)}`
        + ` (fix the error in ${shown}; its stack trace follows)`, e), { file });
  }
  const fn = property(module, exportPath) ?? property(module.default, exportPath);
  if (fn === undefined) {
    const names = Object.keys(module).filter((k) => k !== 'default' && k !== 'module.exports');
    throw new InitFailure(`${shown} ${names.length ? `exports ${names.join(', ')} but not` : 'does not export'}`
        + ` '${exportPath}' (export it: \`export const ${exportPath} = async (event, context) => {...}\`,`
        + ` or \`exports.${exportPath} = ...\` in CommonJS)`);
  }
  if (typeof fn !== 'function') {
    throw new InitFailure(`'${exportPath}' exported by ${shown} is ${fn === null ? 'null' : `a ${typeof fn}`}, not a`
        + ` function (export a function: \`export const ${exportPath} = async (event, context) => {...}\`)`);
  }
  return fn;
}

function isFile(file) {
  return fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true;
}

function property(value, dotted) {
  for (const key of dotted.split('.')) {
    if (value === null || value === undefined) return undefined;
    value = value[key];
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Invocations
// ---------------------------------------------------------------------------------------------

/** The account in Lambda's ARNs: Nubo has none, so zeros. */
const ACCOUNT = '000000000000';

/** The invocation a piece of code runs for, across its awaits: console lines carry its request id. */
const invocation = new AsyncLocalStorage();

/**
 * console.log and friends as in Lambda: within an invocation, every line is
 * `<time>\t<request id>\t<LEVEL>\t<text>` (console.log is INFO); outside one, as Node writes it.
 */
function tagConsole() {
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' };
  for (const [method, level] of Object.entries(levels)) {
    const original = console[method].bind(console);
    const stream = level === 'WARN' || level === 'ERROR' ? process.stderr : process.stdout;
    console[method] = (...args) => {
      const current = invocation.getStore();
      if (!current) {
        original(...args);
        return;
      }
      const text = method === 'trace' ? util.format(...args) + '\n' + new Error().stack.split('\n').slice(2).join('\n')
        : util.format(...args);
      const prefix = `${new Date().toISOString()}\t${current.requestId}\t${level}\t`;
      stream.write(prefix + text.replace(/\n/g, `\n${prefix}`) + '\n');
    };
  }
}

/** The handler's second argument, shaped like Lambda's Node.js context object. */
class Context {
  #deadline;
  #settle;

  constructor(requestId, deadline, cfg, settle) {
    this.awsRequestId = requestId;
    this.functionName = cfg.service;
    this.functionVersion = cfg.revision;
    this.memoryLimitInMB = cfg.memoryMb;
    this.invokedFunctionArn = `arn:aws:lambda:${cfg.region}:${ACCOUNT}:function:${cfg.service}:${cfg.revision}`;
    this.logGroupName = `/nubo/${cfg.service}`;
    this.logStreamName = cfg.instance;
    this.identity = undefined;
    this.clientContext = undefined;
    // Accepted for compatibility; an invocation ends when the handler's result is known.
    this.callbackWaitsForEmptyEventLoop = true;
    this.#deadline = deadline;
    this.#settle = settle;
  }

  getRemainingTimeInMillis() {
    return Math.max(0, Math.round(this.#deadline - now()));
  }

  // Lambda's legacy completion methods.
  done(error, result) {
    this.#settle(error, result);
  }

  succeed(result) {
    this.#settle(null, result);
  }

  fail(error) {
    this.#settle(error ?? new Error('context.fail() was called without an error'));
  }
}

/**
 * Runs the handler as Lambda would: its promise if it returns one; else, when it declares a third
 * parameter, whatever it passes to the callback; else its return value.
 */
function invoke(fn, event, requestId, deadline, cfg) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error, result) => {
      if (settled) return;
      settled = true;
      if (error === undefined || error === null) resolve(result);
      else reject(error);
    };
    const context = new Context(requestId, deadline, cfg, settle);
    let returned;
    try {
      returned = fn(event, context, settle);
    } catch (e) {
      settle(e ?? new Error(`the handler threw ${e}`));
      return;
    }
    if (returned !== null && typeof returned === 'object' && typeof returned.then === 'function') {
      returned.then((result) => settle(null, result),
          (e) => settle(e ?? new Error(`the handler's promise was rejected with ${e}`)));
    } else if (fn.length < 3) {
      settle(null, returned);
    }
  });
}

function requestListener(fn, cfg, watchdog, tracker) {
  return (req, res) => {
    const arrival = now();
    const header = req.headers['x-request-id'];
    const requestId = header && header.trim() ? header.trim() : randomId();
    tracker.begin();
    res.once('close', tracker.end);
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('error', () => {}); // the client went away; 'close' still counts the request as done
    req.on('end', () => {
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      const source = sourceOf(req.headers[EVENT_HEADER]);
      let event;
      if (source === 'direct') {
        try {
          const text = body.toString();
          event = text.trim() === '' ? {} : JSON.parse(text);
        } catch (e) {
          send(res, 400, errorBody('InvalidInput', `request body is not valid JSON: ${e.message}`));
          return;
        }
      } else if (source === 'cloudevent') {
        event = cloudEventEnvelope(req.headers, body);
      } else {
        event = httpEvent(req, body, requestId, cfg, arrival);
      }
      const deadline = arrival + cfg.timeoutMs;
      const slot = watchdog.start(requestId, deadline, cfg);
      const trace = xrayTrace(req.headers.traceparent, arrival);
      // Lambda sets it per invocation; with invocations running at once, a handler that reads it
      // after an await may see a later one's (context has no such field: see docs/LAMBDA.md).
      process.env._X_AMZN_TRACE_ID = trace;
      invocation.run({ requestId }, () => invoke(fn, event, requestId, deadline, cfg)).then((result) => {
        watchdog.end(slot);
        if (source === 'http') {
          answerHttp(res, result, cfg, requestId);
        } else {
          const [status, body] = encode(result, cfg, requestId);
          send(res, status, body);
        }
      }, (e) => {
        watchdog.end(slot);
        const error = describe(e);
        logError(requestId, `nubo: ${cfg.handler} failed: ${error.stack}`);
        send(res, 500, JSON.stringify(source === 'http' ? { errorType: error.type, errorMessage: error.message }
          : { errorType: error.type, errorMessage: error.message, trace: error.stack.split('\n') }));
      });
    });
  };
}

function encode(result, cfg, requestId) {
  let body;
  let reason;
  try {
    body = result === undefined ? 'null' : JSON.stringify(result);
    reason = `a ${typeof result} has no JSON form`;
  } catch (e) {
    reason = e.message;
  }
  if (body !== undefined) return [200, body];
  const message = `the result of ${cfg.handler} cannot be encoded as JSON: ${reason} (return a plain object, an array,`
      + ' a string, a number, a boolean or null)';
  logError(requestId, `nubo: ${message}`);
  return [500, errorBody('InvalidOutput', message)];
}

function send(res, status, body) {
  if (res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** A failure the runtime answers for the handler, in Lambda's shape. */
function errorBody(type, message) {
  return JSON.stringify({ errorType: type, errorMessage: message });
}

// ---------------------------------------------------------------------------------------------
// Lambda's events: what the handler gets for each source, as the Java host and the Python runtime
// build them too (docs/LAMBDA.md). The server says where a request comes from in Nubo-Event (the
// gateway takes it off requests from outside): `direct` (nubo invoke, asynchronous invocations: the
// body is the event), `cloudevent` (a trigger's delivery: the whole CloudEvent), or none (a request
// to the service's URL: API Gateway's HTTP event, payload format 2.0, and the result mapped back).
// ---------------------------------------------------------------------------------------------

const EVENT_HEADER = 'nubo-event';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function sourceOf(header) {
  return header === 'direct' || header === 'cloudevent' ? header : 'http';
}

/** API Gateway's payload format 2.0 event for an HTTP request. */
function httpEvent(req, body, requestId, cfg, arrival) {
  const headers = {};
  const cookies = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    const value = req.rawHeaders[i + 1];
    if (name === 'cookie') cookies.push(...value.split(/;\s*/).filter((c) => c !== ''));
    else if (name !== EVENT_HEADER) headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const q = req.url.indexOf('?');
  const rawPath = q < 0 ? req.url : req.url.slice(0, q);
  const rawQueryString = q < 0 ? '' : req.url.slice(q + 1);
  const domain = (headers.host || cfg.service).replace(/:\d+$/, '');
  const forwarded = (headers['x-forwarded-for'] || '').split(',');
  const time = new Date(arrival);
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(rawQueryString ? { queryStringParameters: queryParameters(rawQueryString) } : {}),
    requestContext: {
      accountId: ACCOUNT,
      apiId: cfg.service,
      domainName: domain,
      domainPrefix: domain.split('.')[0],
      http: {
        method: req.method,
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: forwarded[forwarded.length - 1].trim() || '127.0.0.1',
        userAgent: headers['user-agent'] || '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: `${String(time.getUTCDate()).padStart(2, '0')}/${MONTHS[time.getUTCMonth()]}/${time.getUTCFullYear()}:`
          + `${time.toISOString().slice(11, 19)} +0000`,
      timeEpoch: Math.floor(arrival),
    },
    isBase64Encoded: false,
  };
  if (body.length > 0) {
    const text = isText(headers['content-type'] || '', body);
    event.body = text ? body.toString() : body.toString('base64');
    event.isBase64Encoded = !text;
  }
  return event;
}

function queryParameters(query) {
  const parameters = {};
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    parameters[name] = name in parameters ? `${parameters[name]},${value}` : value;
  }
  return parameters;
}

function decode(text) {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text; // a stray '%': keep it as sent
  }
}

/** Text types arrive as a string, as API Gateway sends them; others base64. No type: text if valid UTF-8. */
function isText(contentType, body) {
  const media = contentType.split(';')[0].trim().toLowerCase();
  if (media === '') return isUtf8(body);
  return media.startsWith('text/') || /[/+](json|xml)$/.test(media) || media === 'application/javascript';
}

function isUtf8(body) {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
    return true;
  } catch {
    return false;
  }
}

/** The handler's result as API Gateway maps it: a {statusCode, headers, cookies, body} object, or a 200 JSON body. */
function answerHttp(res, result, cfg, requestId) {
  if (res.destroyed) return;
  if (result !== null && typeof result === 'object' && !Array.isArray(result) && 'statusCode' in result) {
    const status = Number(result.statusCode);
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      const message = `${cfg.handler} answered statusCode ${result.statusCode}, which is not an HTTP status`
          + ' (return a number from 100 to 599)';
      logError(requestId, `nubo: ${message}`);
      send(res, 500, errorBody('InvalidResponse', message));
      return;
    }
    const headers = {};
    for (const [name, values] of Object.entries(result.multiValueHeaders || {})) headers[name] = [].concat(values).map(String);
    for (const [name, value] of Object.entries(result.headers || {})) if (value !== null && value !== undefined) headers[name] = String(value);
    if (Array.isArray(result.cookies) && result.cookies.length) headers['Set-Cookie'] = result.cookies.map(String);
    const body = typeof result.body === 'string' ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8')
      : Buffer.alloc(0);
    if (body.length > 0 && !Object.keys(headers).some((n) => n.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = 'application/json';
    }
    headers['Content-Length'] = body.length;
    try {
      res.writeHead(status, headers);
    } catch (e) {
      const message = `${cfg.handler} answered headers that cannot be sent: ${e.message}`;
      logError(requestId, `nubo: ${message}`);
      send(res, 500, errorBody('InvalidResponse', message));
      return;
    }
    res.end(body);
    return;
  }
  if (typeof result === 'string') {
    send(res, 200, result);
    return;
  }
  const [status, body] = encode(result, cfg, requestId);
  send(res, status, body);
}

/** A CloudEvent in binary mode as the one JSON object of the JSON format: the whole envelope. */
function cloudEventEnvelope(headers, body) {
  const contentType = headers['content-type'] || '';
  if (contentType.toLowerCase().startsWith('application/cloudevents+json')) return JSON.parse(body.toString());
  const event = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('ce-')) event[name.slice(3)] = percentDecode(String(value));
  }
  if (contentType) event.datacontenttype = contentType;
  if (body.length > 0) {
    const media = contentType.split(';')[0].trim().toLowerCase();
    let json;
    if (media === '' || /[/+]json$/.test(media)) {
      try {
        json = { value: JSON.parse(body.toString()) };
      } catch {
        json = undefined;
      }
    }
    if (json) event.data = json.value;
    else if (isText(contentType, body) && isUtf8(body)) event.data = body.toString();
    else event.data_base64 = body.toString('base64');
  }
  return event;
}

/** The HTTP binding's decoding of a ce-* value: %XX are UTF-8 bytes; a '%' that starts no escape stays. */
function percentDecode(value) {
  if (!value.includes('%')) return value;
  const bytes = [];
  const raw = Buffer.from(value);
  for (let i = 0; i < raw.length; i++) {
    const hex = raw[i] === 0x25 && i + 2 < raw.length ? raw.toString('latin1', i + 1, i + 3) : '';
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(raw[i]);
    }
  }
  return Buffer.from(bytes).toString();
}

/**
 * The X-Ray trace header of an invocation from the W3C traceparent the gateway sends (same trace id,
 * cut after 8 hex digits; its parent span and sampled flag); a new unsampled trace without one.
 */
function xrayTrace(traceparent, arrival) {
  const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(traceparent || '');
  if (m && !/^0+$/.test(m[1]) && !/^0+$/.test(m[2])) {
    return `Root=1-${m[1].slice(0, 8)}-${m[1].slice(8)};Parent=${m[2]};Sampled=${parseInt(m[3], 16) & 1}`;
  }
  const epoch = Math.floor(arrival / 1000).toString(16).padStart(8, '0');
  return `Root=1-${epoch}-${randomId()}${randomId().slice(0, 8)};Parent=${randomId()};Sampled=0`;
}

/** Type, message and stack of anything a handler can throw; Lambda's errorType is the error's name. */
function describe(e) {
  if (e instanceof Error || (e !== null && typeof e === 'object' && typeof e.message === 'string')) {
    const ctor = e.constructor && e.constructor.name;
    const type = e.name && e.name !== 'Error' ? String(e.name) : ctor || 'Error';
    return { type, message: String(e.message), stack: userStack(e.stack || `${type}: ${e.message}`) };
  }
  let message;
  try {
    message = typeof e === 'object' && e !== null ? JSON.stringify(e) : String(e);
  } catch {
    message = String(e);
  }
  return { type: typeof e, message, stack: `${typeof e}: ${message}` };
}

/** The stack without the frames of this file and of Node's internals, which only distract from the user's. */
function userStack(stack) {
  return String(stack).split('\n').filter((line) => !/^\s+at /.test(line)
      || !(/[( ]node:/.test(line) || line.includes('new Promise (<anonymous>)') || line.includes(import.meta.url)))
      .join('\n');
}

function firstLine(text) {
  return String(text).split('\n', 1)[0];
}

/** One write per entry, every line tagged, so that concurrent invocations cannot interleave inside it. */
function logError(requestId, text) {
  const prefix = `[${requestId}] `;
  process.stderr.write(prefix + String(text).replace(/\n/g, `\n${prefix}`) + '\n');
}

function randomId() {
  return Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0')
      + Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0');
}

/** Counts requests from arrival until their response is sent or their connection closes, for the drain. */
function requestTracker() {
  let inFlight = 0;
  let onIdle = null;
  return {
    begin() {
      inFlight += 1;
    },
    end() {
      inFlight -= 1;
      if (inFlight === 0 && onIdle) onIdle();
    },
    whenIdle(callback) {
      if (inFlight === 0) callback();
      else onIdle = callback;
    },
  };
}

function createServer(listener) {
  const server = http.createServer({ keepAlive: true, noDelay: true }, listener);
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  return server;
}

function listen(server, options) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Start: fresh, or pooled (warm up, wait for the message, specialise, then as fresh)
// ---------------------------------------------------------------------------------------------

let stop = () => process.exit(0);
process.on('SIGTERM', () => stop());
// Node then prints the stack and exits with status 1, and the platform replaces the instance (as Lambda does).
process.on('uncaughtExceptionMonitor', (e, origin) => {
  fs.writeSync(2, `nubo: ${origin === 'unhandledRejection' ? 'a promise was rejected and nothing handled it'
      : 'an exception was thrown outside any handler call'}: ${describe(e).type}: ${firstLine(describe(e).message)}`
      + ' (catch it in your code; this instance ends)\n');
});

async function serve(watchdog) {
  const cfg = configFrom(process.env);
  const fn = await loadHandler(cfg);
  const tracker = requestTracker();
  const server = createServer(requestListener(fn, cfg, watchdog, tracker));
  try {
    // Loopback only: on all interfaces anyone who reaches the machine would call the function past
    // the gateway's limits and timeouts.
    await listen(server, { host: '127.0.0.1', port: cfg.port, backlog: BACKLOG });
  } catch (e) {
    throw new InitFailure(`cannot listen on port ${cfg.port}: ${e.message}`
        + `${e.code === 'EADDRINUSE' ? ' (another process holds it; give the function a free PORT)' : ''}`);
  }
  // Draining: no new connections; invocations already running finish, for at most the timeout (the
  // gateway has answered 504 by then), and the watchdog still recycles one that runs longer.
  stop = () => {
    stop = () => {};
    server.close();
    server.closeIdleConnections?.();
    setTimeout(() => process.exit(0), cfg.timeoutMs);
    tracker.whenIdle(() => process.exit(0));
  };
  return cfg;
}

/**
 * Loads a CommonJS and an ES module as handlers and sends requests through the whole serving stack
 * on a loopback port, so that specialisation and the first real request find it all compiled (the
 * first import of a CommonJS `.js` file alone takes ~5 ms).
 */
async function warmUp(watchdog) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nubo-node-warm-'));
  let fn;
  try {
    fs.writeFileSync(path.join(dir, 'cjs.js'),
        'exports.handler = async (event, context) => ({ event, left: context.getRemainingTimeInMillis() });\n');
    fs.writeFileSync(path.join(dir, 'esm.mjs'), 'export const handler = async (event) => event;\n');
    const configFor = (handler) => configFrom({ PORT: '1', NUBO_HANDLER: handler, NUBO_WORKDIR: dir });
    await loadHandler(configFor('esm.handler'));
    fn = await loadHandler(configFor('cjs.handler'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const cfg = configFrom({ PORT: '1', NUBO_HANDLER: 'warm.handler' });
  const server = createServer(requestListener(fn, cfg, watchdog, requestTracker()));
  await listen(server, { host: '127.0.0.1', port: 0 });
  const call = (body, source) => new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.address().port, method: 'POST', agent: false,
      headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'warm-up', ...(source ? { [EVENT_HEADER]: source } : {}),
        'ce-specversion': '1.0', 'ce-id': 'w', 'ce-source': '/warm%20up', 'ce-type': 'warm' } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
    });
    req.on('error', reject);
    req.end(body);
  });
  await call('{"warm":[1,2.5,"up",true,null]}');
  await call('{"warm":[1,2.5,"up",true,null]}', 'direct');
  await call('{not json', 'direct');
  await call('{"warm":1}', 'cloudevent');
  server.closeAllConnections?.();
  await new Promise((resolve) => server.close(resolve));
}

/** Resolves to the message's entries, or null on EOF before the empty entry that ends it. */
function readMessage(input) {
  return new Promise((resolve) => {
    let bytes = Buffer.alloc(0);
    const finish = (entries) => {
      input.removeAllListeners('data');
      input.destroy();
      resolve(entries);
    };
    input.on('data', (chunk) => {
      const from = Math.max(0, bytes.length - 1);
      bytes = bytes.length === 0 ? chunk : Buffer.concat([bytes, chunk]);
      for (let i = bytes.indexOf(0, from); i !== -1; i = bytes.indexOf(0, i + 1)) {
        if (i === 0 || bytes[i - 1] === 0) {
          finish(parseMessage(bytes.subarray(0, i)));
          return;
        }
      }
    });
    input.once('end', () => finish(null));
    input.once('error', () => finish(null));
  });
}

function parseMessage(bytes) {
  const entries = [];
  let start = 0;
  for (let end = bytes.indexOf(0); end !== -1; start = end + 1, end = bytes.indexOf(0, start)) {
    const entry = bytes.toString('utf8', start, end);
    const eq = entry.indexOf('=');
    if (eq > 0) entries.push([entry.slice(0, eq), entry.slice(eq + 1)]);
  }
  return entries;
}

function specialise(entries) {
  delete process.env.NUBO_POOL; // a fresh start does not have it
  for (const [name, value] of entries) process.env[name] = value;
  const workdir = process.env.NUBO_WORKDIR;
  if (!workdir) throw new InitFailure('the specialisation message has no NUBO_WORKDIR (this is a bug in Nubo)');
  try {
    process.chdir(workdir);
  } catch (e) {
    throw new InitFailure(`cannot change to the function's directory ${workdir}: ${e.message} (this is a bug in Nubo)`);
  }
}

async function fail(e) {
  if (e instanceof InitFailure) {
    const trace = e.threw ? `${await syntaxErrorLocation(e) ?? describe(e.userError).stack}\n` : '';
    fs.writeSync(2, `nubo: ${e.message}\n${trace}`);
  } else {
    fs.writeSync(2, `nubo: the Node runtime failed to start: ${describe(e).stack}`
        + ' (this is a bug in Nubo: please report it with this stack trace)\n');
  }
  process.exit(1);
}

/**
 * A syntax error in an ES module does not say where it is (Node prints that only for an uncaught
 * one), so on that rare path ask `node --check`, which does.
 */
async function syntaxErrorLocation(e) {
  if (!(e.userError instanceof SyntaxError) || !e.file || String(e.userError.stack).includes(e.file)) return null;
  const { spawnSync } = await import('node:child_process');
  const check = spawnSync(process.execPath, ['--check', e.file], { encoding: 'utf8', timeout: 10_000 });
  return check.status === 1 && check.stderr ? userStack(check.stderr.trim()).replace(/\n+Node\.js v[\d.]+$/, '') : null;
}

async function main() {
  tagConsole();
  const watchdog = startWatchdog();
  if (process.env.NUBO_POOL !== '1') {
    const cfg = await serve(watchdog);
    console.log(`nubo: ${cfg.handler} ready on port ${cfg.port} in ${Math.round(performance.now() - startedAt)} ms`);
    return;
  }
  await warmUp(watchdog);
  const warmedAt = performance.now();
  console.log(`nubo: pooled node warmed up in ${Math.round(warmedAt - startedAt)} ms`);
  const entries = await readMessage(process.stdin);
  if (entries === null) process.exit(0); // the pool is closing
  const received = performance.now();
  specialise(entries);
  const cfg = await serve(watchdog);
  const took = performance.now() - received;
  console.log(`nubo: specialised as ${cfg.service}/${cfg.revision} in ${took.toFixed(1)} ms`
      + ` (pooled, warmed ${((received - warmedAt) / 1000).toFixed(1)} s ago)`);
}

main().catch(fail);
