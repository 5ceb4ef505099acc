// A WebSocket client from npm (ws), as a browser app's backend or a CLI would use it. Connects to
// argv[2] with Host argv[3], sends argv[4], prints each message, waits for a line on stdin, closes
// with 1000 and prints how the close went.
const WebSocket = require('ws');
const socket = new WebSocket(process.argv[2], { headers: { Host: process.argv[3] }, handshakeTimeout: 30000 });
socket.on('open', () => socket.send(process.argv[4]));
socket.on('message', data => console.log('message ' + data));
socket.on('unexpected-response', (req, res) => { console.log('refused ' + res.statusCode); process.exit(2); });
socket.on('error', e => { console.log('error ' + e.message); process.exit(1); });
socket.on('close', (code) => { console.log('closed ' + code); process.exit(0); });
process.stdin.once('data', () => socket.close(1000, 'bye'));
