"""A function written as for AWS Lambda. A request to its URL arrives as API Gateway's HTTP event
(?name=Ada, or the JSON body {"name": "Ada"}); `nubo invoke -d '{"name": "Ada"}'` passes the JSON
itself. The return value is the JSON answer."""
import base64
import json


def handler(event, context):
    data = from_http(event) if isinstance(event, dict) and "requestContext" in event else event
    return {"message": f"Hello, {(data or {}).get('name') or 'world'}"}


def from_http(request):
    body = request.get("body") or ""
    if request.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return json.loads(body) if body else request.get("queryStringParameters") or {}
