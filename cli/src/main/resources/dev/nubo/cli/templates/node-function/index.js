// A function: the request body is the event ({"name": "Ada"}), the return value the JSON answer.
exports.handler = async (event, context) => {
  return { message: `Hello, ${(event && event.name) || 'world'}` };
};
