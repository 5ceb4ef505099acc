// A WebSocket echo server on npm's ws, for bench/websockets.sh: answers "echo <message>" on each
// socket, and a plain GET with "ok" (the bench's readiness check). Compression is off on both ends,
// so that what is measured is the sockets, not zlib's windows.
const http = require('http');
const { WebSocketServer } = require('ws');
const server = http.createServer((req, res) => res.end('ok\n'));
new WebSocketServer({ server, perMessageDeflate: false, clientTracking: false })
  .on('connection', socket => socket.on('message', m => socket.send('echo ' + m)));
process.on('SIGTERM', () => process.exit(0));
server.listen(+process.env.PORT, '127.0.0.1');
