// An ordinary Node HTTP server, deployed unmodified: Nubo only asks that it listen on $PORT.
const http = require('http');

const port = Number(process.env.PORT || 3000);
const greeting = process.env.GREETING || 'Hello';

const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    return res.end('ok\n');
  }
  console.log(`${req.method} ${req.url} request-id=${req.headers['x-request-id']}`);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({
    message: `${greeting} from Node ${process.version}`,
    revision: process.env.NUBO_REVISION,
    path: req.url,
  }) + '\n');
});

// Nubo sends SIGTERM after taking the instance out of routing: finish what is in flight, then exit.
process.on('SIGTERM', () => server.close(() => process.exit(0)));

server.listen(port, () => console.log(`hello-node listening on ${port}`));
