const test = require('node:test');
const assert = require('node:assert');
const { greet } = require('./server');

test('greets by name', () => {
  assert.deepStrictEqual(greet('Ada'), { message: 'Hello, Ada' });
});

test('greets the world without a name', () => {
  assert.deepStrictEqual(greet(null), { message: 'Hello, world' });
});
