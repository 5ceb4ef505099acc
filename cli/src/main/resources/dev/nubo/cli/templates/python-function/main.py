"""A function: the request body is the event ({"name": "Ada"}), the return value the JSON answer."""


def handler(event, context):
    return {"message": f"Hello, {(event or {}).get('name') or 'world'}"}
