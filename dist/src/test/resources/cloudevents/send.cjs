// Sends the CloudEvents conformance cases with the official JavaScript SDK (npm `cloudevents`) to a
// Nubo broker: node send.cjs INGEST_URL TOKEN. Prints one JSON line per case: {id, status, body}.
//
// The SDK builds each message (binary or structured, CloudEvents 1.0 or 0.3). It writes binary-mode
// attribute values as they are, while the HTTP binding says they are percent-encoded (and Node refuses
// non-Latin-1 header values), so this script applies the binding's encoding to the ce-* headers.
const { CloudEvent, HTTP } = require('cloudevents');

const [url, token] = process.argv.slice(2);
const ext = { price: '€5', rate: '100%41' };
const cases = [
  ['js-10-binary', HTTP.binary, { specversion: '1.0', data: { n: 1 } }],
  ['js-10-structured', HTTP.structured, { specversion: '1.0', data: { n: 2 } }],
  ['js-10-binary-text', HTTP.binary, { specversion: '1.0', datacontenttype: 'text/plain', data: 'hi' }],
  ['js-10-binary-bytes', HTTP.binary, { specversion: '1.0', datacontenttype: 'application/octet-stream',
    data: new Uint8Array([255, 0, 1]) }],
  ['js-03-binary', HTTP.binary, { specversion: '0.3', schemaurl: 'https://example.com/s', data: { n: 3 } }],
  ['js-03-structured', HTTP.structured, { specversion: '0.3', schemaurl: 'https://example.com/s', data: { n: 4 } }],
];

function percentEncode(value) {
  return Array.from(Buffer.from(String(value)))
    .map((b) => (b > 0x20 && b < 0x7f && b !== 0x22 && b !== 0x25 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}

(async () => {
  for (const [id, mode, fields] of cases) {
    const event = new CloudEvent({ id, type: 'conformance', source: '/conformance/js', ...ext, ...fields });
    const message = mode(event);
    const headers = { Authorization: `Bearer ${token}` };
    for (const [name, value] of Object.entries(message.headers)) {
      headers[name] = name.toLowerCase().startsWith('ce-') ? percentEncode(value) : value;
    }
    const response = await fetch(url, { method: 'POST', headers, body: message.body });
    console.log(JSON.stringify({ id, status: response.status, body: await response.text() }));
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
