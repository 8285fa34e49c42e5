"""TEST DOUBLE for the wire protocol of CloudWatch's metric alarms: Smithy RPC v2 CBOR.

The AWS SDKs now call CloudWatch (monitoring) with the RPC v2 CBOR protocol:
``POST /service/GraniteServiceVersion20100801/operation/<Operation>``, header
``smithy-protocol: rpc-v2-cbor``, a CBOR body. moto 5.2.5 speaks only CloudWatch's older query
protocol and answers such a request with a 404, so the AWS provider could not create an
``aws_cloudwatch_metric_alarm``.

This WSGI middleware stores nothing itself. For the operations the provider uses for metric alarms
(PutMetricAlarm, DescribeAlarms, DeleteAlarms, ListTagsForResource, TagResource, UntagResource) it
decodes the CBOR request, re-encodes it as the query request botocore's CloudWatch model describes,
hands that to moto (so moto's CloudWatch backend keeps the alarms, exactly as for a query client),
reads moto's XML answer with botocore's query parser and returns it in CBOR: timestamps as tag 1
(epoch seconds), the headers ``smithy-protocol: rpc-v2-cbor`` and ``Content-Type: application/cbor``,
and errors in the protocol's shape (a ``__type`` and a ``message``, with CloudWatch's query error
code in ``x-amzn-query-error``, e.g. ``ResourceNotFound``). Any other CBOR operation is refused
(``UnknownOperationException``); every other request passes through untouched.
"""

from __future__ import annotations

import io
import re
from typing import Any, Callable, Iterable
from urllib.parse import urlencode

import cbor2
from botocore.loaders import Loader
from botocore.model import ServiceModel, Shape
from botocore.parsers import QueryParser
from botocore.serialize import QuerySerializer

from wsgi_parts import call_app, read_body

PATH = re.compile(r"^/service/GraniteServiceVersion20100801/operation/(?P<operation>[A-Za-z]+)$")
OPERATIONS = frozenset(
    {"PutMetricAlarm", "DescribeAlarms", "DeleteAlarms", "ListTagsForResource", "TagResource", "UntagResource"}
)
NAMESPACE = "com.amazonaws.cloudwatch"


def known_members(value: Any, shape: Shape) -> Any:
    """`value` without the members botocore's model does not have (newer SDKs may send some)."""
    if shape.type_name == "structure" and isinstance(value, dict):
        return {k: known_members(v, shape.members[k]) for k, v in value.items() if k in shape.members}
    if shape.type_name == "list" and isinstance(value, list):
        return [known_members(v, shape.member) for v in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {k: known_members(v, shape.value) for k, v in value.items()}
    return value


class CloudWatchCborDouble:
    def __init__(self, app: Callable):
        self.app = app
        self.model = ServiceModel(Loader().load_service_model("cloudwatch", "service-2"), "cloudwatch")

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        match = PATH.match(environ.get("PATH_INFO", ""))
        if not match or environ.get("REQUEST_METHOD", "").upper() != "POST":
            return self.app(environ, start_response)
        operation = match.group("operation")
        if operation not in OPERATIONS:
            return self.error(start_response, "400 Bad Request", "UnknownOperationException", f"{operation} is not served")
        operation_model = self.model.operation_model(operation)
        body = read_body(environ)
        try:
            params = cbor2.loads(body) if body else {}
        except (cbor2.CBORDecodeError, ValueError) as err:
            return self.error(start_response, "400 Bad Request", "SerializationException", str(err))
        if operation_model.input_shape is not None and isinstance(params, dict):
            params = known_members(params, operation_model.input_shape)
        query = QuerySerializer().serialize_to_request(params or {}, operation_model)["body"]
        form = urlencode(query).encode()

        inner = {k: v for k, v in environ.items() if k != "HTTP_SMITHY_PROTOCOL"}
        inner.update(
            PATH_INFO="/",
            QUERY_STRING="",
            CONTENT_TYPE="application/x-www-form-urlencoded; charset=utf-8",
            CONTENT_LENGTH=str(len(form)),
            HTTP_ACCEPT="text/xml",
        )
        inner["wsgi.input"] = io.BytesIO(form)
        status, headers, answer = call_app(self.app, inner)
        code = int(status.split(" ", 1)[0])
        parsed = QueryParser().parse(
            {"status_code": code, "headers": dict(headers), "body": answer}, operation_model.output_shape
        )
        parsed.pop("ResponseMetadata", None)
        if code >= 300:
            error = parsed.get("Error") or {}
            return self.error(start_response, status, error.get("Code") or "InternalFailure", error.get("Message") or "")
        return self.answer(start_response, "200 OK", parsed, [])

    def answer(self, start_response: Callable, status: str, document: dict[str, Any], extra: list) -> list[bytes]:
        data = cbor2.dumps(document, datetime_as_timestamp=True)
        start_response(
            status,
            [("smithy-protocol", "rpc-v2-cbor"), ("Content-Type", "application/cbor"), ("Content-Length", str(len(data)))]
            + extra,
        )
        return [data]

    def error(self, start_response: Callable, status: str, code: str, message: str) -> list[bytes]:
        fault = "Receiver" if status.startswith("5") else "Sender"
        document = {"__type": f"{NAMESPACE}#{code}", "message": message}
        return self.answer(start_response, status, document, [("x-amzn-query-error", f"{code};{fault}")])
