// Receives CloudEvents in binary mode (ce-* headers, the body is the data), as Nubo's triggers send them.
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
    console.log(`event ${type} id=${req.headers['ce-id']} source=${req.headers['ce-source']}`
      + ` attempt=${req.headers['nubo-attempt']} data=${body}`);
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
