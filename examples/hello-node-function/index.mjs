// A Node.js function written as for AWS Lambda: Nubo calls `handler` with the request's JSON body as
// `event` and a Lambda-style `context`, and answers with what it returns, as JSON.
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
