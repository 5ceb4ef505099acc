// Receives CloudEvents in binary mode (ce-* headers, the body is the data), as Nubo's triggers and
// sources send them, and asynchronous invocations (`nubo invoke --async`), which are not events: they
// deliver the original request, with the invocation's id as X-Request-Id.
const http = require('http');
const crypto = require('crypto');

const port = Number(process.env.PORT || 3000);

const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    return res.end('ok\n');
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    const type = req.headers['ce-type'];
    const attempt = req.headers['nubo-attempt'];
    if (type) {
      console.log(`event ${type} id=${req.headers['ce-id']} source=${req.headers['ce-source']}`
        + ` attempt=${attempt} data=${body}`);
    } else if (attempt) {
      console.log(`invocation ${req.headers['x-request-id']} attempt=${attempt} data=${body}`);
    } else {
      console.log(`request ${req.method} ${req.url} data=${body}`);
    }
    if (type === 'order.created') {
      // A CloudEvent in the reply is published back into the broker: this is how functions chain.
      res.writeHead(200, {
        'ce-specversion': '1.0',
        'ce-id': crypto.randomUUID(),
        'ce-source': '/hello-events',
        'ce-type': 'order.confirmed',
        'content-type': 'application/json',
      });
      return res.end(JSON.stringify({ confirmed: JSON.parse(body || '{}') }));
    }
    res.writeHead(204);
    res.end();
  });
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
server.listen(port, () => console.log(`hello-events listening on ${port}`));
