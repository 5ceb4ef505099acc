// A Node.js function written as for AWS Lambda: Nubo calls `handler` with an `event` and a Lambda-style
// `context`, and answers with what it returns, as JSON. `nubo invoke -d '{"name": "Ada"}'` passes that
// JSON as the event; a request to the function's URL gets API Gateway's HTTP event (docs/LAMBDA.md).
export const handler = async (event, context) => {
  if (event.name === 'error') {
    throw new Error("no greeting for 'error'");
  }
  return {
    message: `${process.env.GREETING ?? 'Hello'}, ${event.name ?? 'world'}!`,
    requestId: context.awsRequestId,
    version: context.functionVersion,
  };
};
