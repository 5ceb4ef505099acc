"""A Python function written as for AWS Lambda: Nubo calls `handler` with an `event` and a Lambda-style
`context`, and answers with what it returns, as JSON. `nubo invoke -d '{"name": "Ada"}'` (and a workflow
task) passes that JSON as the event; a request to the function's URL gets API Gateway's HTTP event
(docs/LAMBDA.md)."""
import os


def handler(event, context):
    name = event.get("name", "world")
    if name == "error":
        raise ValueError("no greeting for 'error'")
    return {
        "message": "%s, %s!" % (os.environ.get("GREETING", "Hello"), name),
        "requestId": context.aws_request_id,
        "version": context.function_version,
    }
