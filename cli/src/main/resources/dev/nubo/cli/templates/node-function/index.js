// A function written as for AWS Lambda. A request to its URL arrives as API Gateway's HTTP event
// (?name=Ada, or the JSON body {"name": "Ada"}); `nubo invoke -d '{"name": "Ada"}'` passes the JSON
// itself. The return value is the JSON answer.
exports.handler = async (event, context) => {
  const input = event && event.requestContext ? fromHttp(event) : event;
  return { message: `Hello, ${(input && input.name) || 'world'}` };
};

function fromHttp(request) {
  const body = request.isBase64Encoded ? Buffer.from(request.body, 'base64').toString() : request.body;
  return body ? JSON.parse(body) : request.queryStringParameters || {};
}
