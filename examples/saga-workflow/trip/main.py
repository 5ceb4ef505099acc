"""The saga's steps (reserve, charge, ship) and their compensations (release, refund), each given the
whole order. A step named in the order's "fail" raises, which the workflow's Catch turns into the
compensations of the steps already done."""


class StepFailed(Exception):
    pass


def handler(event, context):
    op, order = event["op"], event["order"]
    trip = order["trip"]
    if op == order.get("fail"):
        raise StepFailed("%s failed for trip %s" % (op, trip))
    if op == "reserve":
        return {"id": "res-" + trip, "seats": order["seats"]}
    if op == "charge":
        return {"id": "pay-" + trip, "amount": 120 * order["seats"]}
    if op == "ship":
        return {"id": "ship-" + trip}
    if op == "refund":
        return {"refunded": order["payment"]["id"]}
    if op == "release":
        return {"released": order["reservation"]["id"]}
    raise ValueError("unknown op " + op)
