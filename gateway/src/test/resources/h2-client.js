// Node's own HTTP/2 client (prior knowledge): every path as a stream of one session, at once.
// Prints "STATUS BODY" per path, in the order the answers end.
const http2 = require('http2');
const session = http2.connect(process.argv[2]);
const paths = process.argv.slice(3);
let done = 0;
session.on('error', e => { console.log('error ' + e.message); process.exit(1); });
for (const path of paths) {
  const stream = session.request({ ':path': path });
  let status = 0;
  let body = '';
  stream.on('response', headers => { status = headers[':status']; });
  stream.setEncoding('utf8');
  stream.on('data', d => { body += d; });
  stream.on('end', () => {
    console.log(status + ' ' + body);
    if (++done === paths.length) session.close();
  });
}
