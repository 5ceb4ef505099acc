const test = require('node:test');
const assert = require('node:assert');
const { handler } = require('./index');

test('greets by name', async () => {
  assert.deepStrictEqual(await handler({ name: 'Ada' }, {}), { message: 'Hello, Ada' });
});

test('greets the name in a request to its URL', async () => {
  const request = { requestContext: { http: { method: 'POST' } }, body: '{"name": "Ada"}', isBase64Encoded: false };
  assert.deepStrictEqual(await handler(request, {}), { message: 'Hello, Ada' });
});

test('greets the world without a name', async () => {
  assert.deepStrictEqual(await handler({}, {}), { message: 'Hello, world' });
});
