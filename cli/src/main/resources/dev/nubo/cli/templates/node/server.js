// An ordinary Node HTTP server: Nubo only asks that it listen on $PORT.
const http = require('http');

/** The answer to a request for `name`. */
function greet(name) {
  return { message: `Hello, ${name || 'world'}` };
}

const server = http.createServer((req, res) => {
  const name = new URL(req.url, 'http://localhost').searchParams.get('name');
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(greet(name)) + '\n');
});

if (require.main === module) {
  // Nubo sends SIGTERM after taking the instance out of routing: finish what is in flight, then exit.
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
  server.listen(Number(process.env.PORT || 3000), () => console.log(`listening on ${server.address().port}`));
}

module.exports = { greet };
