"""TEST DOUBLE for the CloudFront API operations that moto 5.2.5 lacks or stores lossily.

This is not an emulation of CloudFront. It is the smallest stand-in that lets the Terraform AWS
provider create, read, update and delete this project's CloudFront resources against a local moto
server: it stores what it is given and returns it on read, with the identifiers, ETags and
preconditions the provider relies on. Nothing is served at an edge, no function code is run, no
headers are added to any response.

It is a WSGI middleware in front of moto's app, in the same process. It answers, under
``/2020-05-31/`` on requests signed for the ``cloudfront`` service:

* CloudFront Functions: CreateFunction, DescribeFunction, GetFunction, UpdateFunction,
  PublishFunction, DeleteFunction, ListFunctions (moto stores one stage and has no
  PublishFunction/UpdateFunction; the provider reads the DEVELOPMENT and LIVE stages apart).
* Response headers policies: Create/Get/GetConfig/Update/Delete/List (moto has none).
* Cache policies: ListCachePolicies, GetCachePolicy, GetCachePolicyConfig, holding AWS's managed
  policies only (moto has none; the provider's data source lists them to find one by name).
* Distributions: CreateDistribution(WithTags), GetDistribution, GetDistributionConfig,
  UpdateDistribution, DeleteDistribution, ListDistributions (moto drops the origins'
  OriginAccessControlId and the function associations and adds ForwardedValues/TTLs it was not
  given, which Terraform would read back as a perpetual diff).
* Tagging (ListTagsForResource, TagResource, UntagResource) for the ARNs above; other ARNs go on
  to moto.

Everything else (origin access controls included) goes on to moto unchanged. Requests for a
CloudFront operation under the double's paths that it does not implement get a 501 naming it.

Stored configurations are kept as the XML elements the client sent and written back as they
came (element order and values unchanged), so a read returns exactly what was written, with one
addition AWS makes too: a distribution without origin groups reads back an empty
``<OriginGroups><Quantity>0</Quantity></OriginGroups>`` (the provider reads it without a nil check).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import re
import secrets
import string
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs, unquote

from wsgi_parts import access_key_of, read_body, service_of

API_VERSION = "2020-05-31"
XMLNS = f"http://cloudfront.amazonaws.com/doc/{API_VERSION}/"
PREFIX = f"/{API_VERSION}/"

# AWS's managed cache policies: the ids and settings AWS publishes for them (CloudFront Developer
# Guide, "Use managed cache policies"). Only these three; CreateCachePolicy is not part of the double.
MANAGED_CACHE_POLICIES: list[dict[str, Any]] = [
    {
        "Id": "658327ea-f89d-4fab-a63d-7e88639e58f6",
        "Name": "Managed-CachingOptimized",
        "Comment": "Policy with caching enabled. Supports Gzip and Brotli compression.",
        "MinTTL": 1,
        "DefaultTTL": 86400,
        "MaxTTL": 31536000,
        "Gzip": True,
        "Brotli": True,
    },
    {
        "Id": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        "Name": "Managed-CachingDisabled",
        "Comment": "Policy with caching disabled",
        "MinTTL": 0,
        "DefaultTTL": 0,
        "MaxTTL": 0,
        "Gzip": False,
        "Brotli": False,
    },
    {
        "Id": "b2884449-e4de-46a7-ac36-70bc7f1ddd6d",
        "Name": "Managed-CachingOptimizedForUncompressedObjects",
        "Comment": "Default policy when compression is disabled",
        "MinTTL": 1,
        "DefaultTTL": 86400,
        "MaxTTL": 31536000,
        "Gzip": False,
        "Brotli": False,
    },
]


class CloudFrontError(Exception):
    """An error answered the way CloudFront answers it (restXml ErrorResponse)."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def now() -> datetime:
    return datetime.now(timezone.utc)


def timestamp(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def random_etag() -> str:
    alphabet = string.ascii_uppercase + string.digits
    return "E" + "".join(secrets.choice(alphabet) for _ in range(13))


def content_etag(*parts: bytes) -> str:
    """An ETag derived from the content, as CloudFront's function ETags are (same code, same ETag)."""
    digest = hashlib.sha256(b"\0".join(parts)).digest()
    return "E" + base64.b32encode(digest).decode("ascii")[:13]


def strip_namespaces(element: ET.Element) -> ET.Element:
    for node in element.iter():
        if isinstance(node.tag, str) and node.tag.startswith("{"):
            node.tag = node.tag.split("}", 1)[1]
    return element


def parse_body(body: bytes, root: str) -> ET.Element:
    try:
        element = strip_namespaces(ET.fromstring(body))
    except ET.ParseError as err:
        raise CloudFrontError(400, "MalformedXML", f"The XML you provided was not well-formed: {err}") from err
    if element.tag != root:
        raise CloudFrontError(400, "MalformedInput", f"Expected a <{root}> document, got <{element.tag}>")
    return element


def child(element: ET.Element | None, path: str) -> ET.Element | None:
    return None if element is None else element.find(path)


def text(element: ET.Element | None, path: str, default: str = "") -> str:
    found = child(element, path)
    return default if found is None or found.text is None else found.text


def sub(parent: ET.Element, tag: str, value: Any = None) -> ET.Element:
    node = ET.SubElement(parent, tag)
    if value is not None:
        node.text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return node


def renamed(element: ET.Element, tag: str) -> ET.Element:
    """A deep copy of a stored element under another tag (e.g. DistributionConfig inside Distribution)."""
    clone = copy.deepcopy(element)
    clone.tag = tag
    return clone


def items(element: ET.Element | None, path: str) -> list[ET.Element]:
    found = child(element, path)
    return [] if found is None else list(found)


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def xml_response(status: int, root: ET.Element, headers: dict[str, str] | None = None) -> Response:
    root.set("xmlns", XMLNS)
    body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")
    return Response(status, body, {"Content-Type": "text/xml", **(headers or {})})


# ---------------------------------------------------------------------------------------------
# Stored resources


@dataclass
class FunctionStage:
    config: ET.Element  # FunctionConfig as sent
    code: bytes
    etag: str
    created: datetime
    modified: datetime


@dataclass
class Function:
    name: str
    arn: str
    development: FunctionStage
    live: FunctionStage | None = None


@dataclass
class Policy:
    id: str
    config: ET.Element
    etag: str
    modified: datetime


@dataclass
class Distribution:
    id: str
    arn: str
    domain_name: str
    config: ET.Element  # DistributionConfig as sent
    etag: str
    modified: datetime
    deployed_at: float


class Store:
    """One account's CloudFront resources in the double."""

    def __init__(self, account_id: str):
        self.account_id = account_id
        self.functions: dict[str, Function] = {}
        self.response_headers_policies: dict[str, Policy] = {}
        self.distributions: dict[str, Distribution] = {}
        self.tags: dict[str, dict[str, str]] = {}
        self.cache_policies = {p["Id"]: managed_cache_policy(p) for p in MANAGED_CACHE_POLICIES}


def managed_cache_policy(spec: dict[str, Any]) -> Policy:
    config = ET.Element("CachePolicyConfig")
    sub(config, "Comment", spec["Comment"])
    sub(config, "Name", spec["Name"])
    sub(config, "DefaultTTL", spec["DefaultTTL"])
    sub(config, "MaxTTL", spec["MaxTTL"])
    sub(config, "MinTTL", spec["MinTTL"])
    params = sub(config, "ParametersInCacheKeyAndForwardedToOrigin")
    sub(params, "EnableAcceptEncodingGzip", spec["Gzip"])
    sub(params, "EnableAcceptEncodingBrotli", spec["Brotli"])
    sub(sub(params, "HeadersConfig"), "HeaderBehavior", "none")
    sub(sub(params, "CookiesConfig"), "CookieBehavior", "none")
    sub(sub(params, "QueryStringsConfig"), "QueryStringBehavior", "none")
    etag = content_etag(spec["Id"].encode(), ET.tostring(config))
    return Policy(spec["Id"], config, etag, datetime(2020, 6, 1, tzinfo=timezone.utc))


# ---------------------------------------------------------------------------------------------
# The operations


@dataclass
class Request:
    method: str
    path: str  # after /2020-05-31/
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    account_id: str

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def if_match(self) -> str:
        value = self.headers.get("if-match")
        if not value:
            raise CloudFrontError(400, "InvalidIfMatchVersion", "The If-Match version is missing or not valid for the resource.")
        return value


Handler = Callable[["CloudFrontDouble", Store, Request, list[str]], Response]


class CloudFrontDouble:
    """WSGI middleware: answers the operations listed in the module docstring, passes the rest to ``app``.

    ``moto_backends`` (optional) reads moto's stores for the references a distribution makes to
    resources moto keeps (origin access controls, ACM certificates); see ``MotoReferences``.
    """

    def __init__(self, app: Callable, account_id_for: Callable[[str], str], references: "MotoReferences | None" = None,
                 deploy_seconds: float = 0.0, log: Callable[[str], None] | None = None):
        self.app = app
        self.account_id_for = account_id_for
        self.references = references
        self.deploy_seconds = deploy_seconds
        self.log = log or (lambda message: None)
        self.lock = threading.RLock()
        self.stores: dict[str, Store] = {}

    # -- WSGI

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX) or self.signed_service(environ) != "cloudfront":
            return self.app(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET").upper()
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        route = self.route(method, path[len(PREFIX):], query)
        if route is None:
            return self.app(environ, start_response)
        handler, args = route
        headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")}
        request = Request(method, path[len(PREFIX):], query, headers, read_body(environ), self.account_id_for(access_key_of(environ)))
        try:
            with self.lock:
                store = self.stores.setdefault(request.account_id, Store(request.account_id))
                response = handler(self, store, request, args)
        except CloudFrontError as err:
            response = error_response(err)
        request_id = secrets.token_hex(16)
        response.headers.setdefault("x-amzn-RequestId", request_id)
        start_response(f"{response.status} {STATUS_TEXT.get(response.status, 'OK')}", [*response.headers.items(), ("Content-Length", str(len(response.body)))])
        return [response.body]

    @staticmethod
    def signed_service(environ: dict[str, Any]) -> str | None:
        service = service_of(environ)
        if service:
            return service
        host = environ.get("HTTP_HOST", "")
        return "cloudfront" if host.startswith("cloudfront.") else None

    def route(self, method: str, path: str, query: dict[str, list[str]]) -> tuple[Handler, list[str]] | None:
        parts = [unquote(p) for p in path.split("/")]
        head = parts[0]
        if head == "tagging":
            resource = (query.get("Resource") or [""])[0]
            if not self.owns_arn(resource):
                return None
            operation = (query.get("Operation") or [""])[0]
            if method == "GET" and not operation:
                return Ops.list_tags, []
            if method == "POST" and operation == "Tag":
                return Ops.tag, []
            if method == "POST" and operation == "Untag":
                return Ops.untag, []
            return Ops.not_implemented, [f"{method} tagging {operation}"]
        table = ROUTES.get(head)
        if table is None:
            return None
        rest = parts[1:]
        for (route_method, shape, flag), handler in table.items():
            if route_method != method or len(shape) != len(rest):
                continue
            if flag is not None and flag not in query:
                continue
            if flag is None and head == "distribution" and method == "POST" and "WithTags" in query:
                continue
            args = []
            for expected, actual in zip(shape, rest):
                if expected == "*":
                    args.append(actual)
                elif expected != actual:
                    break
            else:
                return handler, args
        return Ops.not_implemented, [f"{method} /{API_VERSION}/{path}"]

    @staticmethod
    def owns_arn(arn: str) -> bool:
        """Distributions and functions live in the double; tags of other CloudFront ARNs stay with moto."""
        return bool(re.match(r"^arn:[^:]+:cloudfront::\d+:(distribution|function)/", arn))

    def distribution_status(self, distribution: Distribution) -> str:
        return "Deployed" if time.monotonic() >= distribution.deployed_at else "InProgress"


STATUS_TEXT = {200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request", 404: "Not Found", 409: "Conflict",
               412: "Precondition Failed", 501: "Not Implemented"}


def error_response(err: CloudFrontError) -> Response:
    root = ET.Element("ErrorResponse")
    error = sub(root, "Error")
    sub(error, "Type", "Sender" if err.status < 500 else "Receiver")
    sub(error, "Code", err.code)
    sub(error, "Message", err.message)
    sub(root, "RequestId", secrets.token_hex(16))
    return xml_response(err.status, root)


class MotoReferences:
    """Reads, from moto's own stores, whether the resources a distribution names exist.

    Uses moto's backend objects (``cloudfront_backends``, ``acm_backends``); when they are not
    shaped as expected the check is skipped with a warning rather than failing a request.
    """

    def __init__(self, log: Callable[[str], None]):
        self.log = log

    def origin_access_control_exists(self, account_id: str, oac_id: str) -> bool | None:
        try:
            from moto.cloudfront.models import cloudfront_backends

            return oac_id in cloudfront_backends[account_id]["aws"].origin_access_controls
        except Exception as err:  # pragma: no cover - depends on moto internals
            self.log(f"cloudfront double: cannot check origin access control {oac_id} in moto ({err!r}); not checked")
            return None

    def certificate_status(self, account_id: str, arn: str) -> str | None:
        try:
            from moto.acm.models import acm_backends

            region = arn.split(":")[3]
            bundle = acm_backends[account_id][region].get_certificate(arn)
            return str(bundle.status)
        except Exception as err:
            if type(err).__name__ == "CertificateNotFound":
                return "MISSING"
            self.log(f"cloudfront double: cannot check certificate {arn} in moto ({err!r}); not checked")  # pragma: no cover
            return None


class Ops:
    """One static method per operation: (double, store, request, path args) -> Response."""

    # -- functions

    @staticmethod
    def function_summary(double: CloudFrontDouble, store: Store, function: Function, stage_name: str) -> ET.Element:
        stage = function.live if stage_name == "LIVE" else function.development
        assert stage is not None
        summary = ET.Element("FunctionSummary")
        sub(summary, "Name", function.name)
        sub(summary, "Status", Ops.function_status(store, function))
        summary.append(renamed(stage.config, "FunctionConfig"))
        metadata = sub(summary, "FunctionMetadata")
        sub(metadata, "FunctionARN", function.arn)
        sub(metadata, "Stage", stage_name)
        sub(metadata, "CreatedTime", timestamp(stage.created))
        sub(metadata, "LastModifiedTime", timestamp(stage.modified))
        return summary

    @staticmethod
    def function_status(store: Store, function: Function) -> str:
        if function.live is None or function.live.etag != function.development.etag:
            return "UNPUBLISHED"
        return "DEPLOYED" if Ops.function_in_use(store, function.arn) else "UNASSOCIATED"

    @staticmethod
    def function_in_use(store: Store, arn: str) -> bool:
        return any(arn in references(d.config)["functions"] for d in store.distributions.values())

    @staticmethod
    def get_function_or_404(store: Store, name: str) -> Function:
        function = store.functions.get(name)
        if function is None:
            raise CloudFrontError(404, "NoSuchFunctionExists", f"The function {name} does not exist.")
        return function

    @staticmethod
    def stage_of(request: Request) -> str:
        stage = request.param("Stage") or "DEVELOPMENT"
        if stage not in ("DEVELOPMENT", "LIVE"):
            raise CloudFrontError(400, "InvalidArgument", f"Stage must be DEVELOPMENT or LIVE, not {stage}")
        return stage

    @staticmethod
    def function_input(request: Request, root: str) -> tuple[ET.Element, bytes]:
        document = parse_body(request.body, root)
        config = child(document, "FunctionConfig")
        if config is None or not text(config, "Runtime"):
            raise CloudFrontError(400, "InvalidArgument", "FunctionConfig with a Runtime is required")
        if text(config, "Runtime") not in ("cloudfront-js-1.0", "cloudfront-js-2.0"):
            raise CloudFrontError(400, "InvalidArgument", f"Unsupported runtime {text(config, 'Runtime')}")
        try:
            code = base64.b64decode(text(document, "FunctionCode"), validate=True)
        except ValueError as err:
            raise CloudFrontError(400, "InvalidArgument", f"FunctionCode is not base64: {err}") from err
        if not code:
            raise CloudFrontError(400, "InvalidArgument", "FunctionCode is required")
        if len(code) > 10240:
            raise CloudFrontError(400, "FunctionSizeLimitExceeded", "The function code is larger than 10 KB.")
        return config, code

    @staticmethod
    def create_function(double: CloudFrontDouble, store: Store, request: Request, _args: list[str]) -> Response:
        document = parse_body(request.body, "CreateFunctionRequest")
        name = text(document, "Name")
        if not re.fullmatch(r"[a-zA-Z0-9\-_]{1,64}", name):
            raise CloudFrontError(400, "InvalidArgument", f"Invalid function name {name!r}")
        if name in store.functions:
            raise CloudFrontError(409, "FunctionAlreadyExists", f"A function with the name {name} already exists.")
        config, code = Ops.function_input(request, "CreateFunctionRequest")
        created = now()
        stage = FunctionStage(copy.deepcopy(config), code, content_etag(ET.tostring(config), code), created, created)
        function = Function(name, f"arn:aws:cloudfront::{store.account_id}:function/{name}", stage)
        store.functions[name] = function
        root = Ops.function_summary(double, store, function, "DEVELOPMENT")
        return xml_response(201, root, {"ETag": stage.etag, "Location": f"https://cloudfront.amazonaws.com/{API_VERSION}/function/{name}"})

    @staticmethod
    def describe_function(double: CloudFrontDouble, store: Store, request: Request, args: list[str]) -> Response:
        function = Ops.get_function_or_404(store, args[0])
        stage_name = Ops.stage_of(request)
        stage = function.live if stage_name == "LIVE" else function.development
        if stage is None:
            raise CloudFrontError(404, "NoSuchFunctionExists", f"The function {function.name} has no LIVE stage (it was never published).")
        return xml_response(200, Ops.function_summary(double, store, function, stage_name), {"ETag": stage.etag})

    @staticmethod
    def get_function(double: CloudFrontDouble, store: Store, request: Request, args: list[str]) -> Response:
        function = Ops.get_function_or_404(store, args[0])
        stage = function.live if Ops.stage_of(request) == "LIVE" else function.development
        if stage is None:
            raise CloudFrontError(404, "NoSuchFunctionExists", f"The function {function.name} has no LIVE stage (it was never published).")
        return Response(200, stage.code, {"Content-Type": "application/octet-stream", "ETag": stage.etag})

    @staticmethod
    def update_function(double: CloudFrontDouble, store: Store, request: Request, args: list[str]) -> Response:
        function = Ops.get_function_or_404(store, args[0])
        if_match = request.if_match()
        if if_match != function.development.etag:
            raise CloudFrontError(412, "PreconditionFailed", "The If-Match version does not match the function's DEVELOPMENT stage.")
        config, code = Ops.function_input(request, "UpdateFunctionRequest")
        stage = function.development
        stage.config, stage.code, stage.modified = copy.deepcopy(config), code, now()
        stage.etag = content_etag(ET.tostring(config), code)
        root = Ops.function_summary(double, store, function, "DEVELOPMENT")
        # The API names this one response header "ETtag"; ETag is sent as well.
        return xml_response(200, root, {"ETtag": stage.etag, "ETag": stage.etag})

    @staticmethod
    def publish_function(double: CloudFrontDouble, store: Store, request: Request, args: list[str]) -> Response:
        function = Ops.get_function_or_404(store, args[0])
        if request.if_match() != function.development.etag:
            raise CloudFrontError(412, "PreconditionFailed", "The If-Match version does not match the function's DEVELOPMENT stage.")
        dev = function.development
        published = now()
        created = function.live.created if function.live else published
        function.live = FunctionStage(copy.deepcopy(dev.config), dev.code, dev.etag, created, published)
        return xml_response(200, Ops.function_summary(double, store, function, "LIVE"))

    @staticmethod
    def delete_function(double: CloudFrontDouble, store: Store, request: Request, args: list[str]) -> Response:
        function = Ops.get_function_or_404(store, args[0])
        if request.if_match() != function.development.etag:
            raise CloudFrontError(412, "PreconditionFailed", "The If-Match version does not match the function.")
        if Ops.function_in_use(store, function.arn):
            raise CloudFrontError(409, "FunctionInUse", f"The function {function.name} is associated with a distribution.")
        del store.functions[function.name]
        store.tags.pop(function.arn, None)
        return Response(204)

    @staticmethod
    def list_functions(double: CloudFrontDouble, store: Store, request: Request, _args: list[str]) -> Response:
        stage_name = request.param("Stage")
        chosen = [f for f in store.functions.values() if stage_name != "LIVE" or f.live is not None]
        root = ET.Element("FunctionList")
        sub(root, "MaxItems", request.param("MaxItems") or 100)
        sub(root, "Quantity", len(chosen))
        if chosen:
            list_items = sub(root, "Items")
            for function in chosen:
                list_items.append(Ops.function_summary(double, store, function, "LIVE" if stage_name == "LIVE" else "DEVELOPMENT"))
        return xml_response(200, root)

    # -- response headers policies

    @staticmethod
    def policy_config(request: Request) -> ET.Element:
        config = parse_body(request.body, "ResponseHeadersPolicyConfig")
        name = text(config, "Name")
        if not name:
            raise CloudFrontError(400, "InvalidArgument", "ResponseHeadersPolicyConfig.Name is required")
        sections = ("CorsConfig", "SecurityHeadersConfig", "CustomHeadersConfig", "RemoveHeadersConfig", "ServerTimingHeadersConfig")
        if not any(child(config, s) is not None for s in sections):
            raise CloudFrontError(400, "InvalidArgument", "A response headers policy needs at least one of " + ", ".join(sections))
        return config

    @staticmethod
    def policy_document(policy: Policy, root_tag: str, config_tag: str) -> ET.Element:
        root = ET.Element(root_tag)
        sub(root, "Id", policy.id)
        sub(root, "LastModifiedTime", timestamp(policy.modified))
        root.append(renamed(policy.config, config_tag))
        return root

    @staticmethod
    def get_policy_or_404(store: Store, policy_id: str) -> Policy:
        policy = store.response_headers_policies.get(policy_id)
        if policy is None:
            raise CloudFrontError(404, "NoSuchResponseHeadersPolicy", f"The response headers policy {policy_id} does not exist.")
        return policy

    @staticmethod
    def create_response_headers_policy(double: CloudFrontDouble, store: Store, request: Request, _args: list[str]) -> Response:
        config = Ops.policy_config(request)
        name = text(config, "Name")
        if any(text(p.config, "Name") == name for p in store.response_headers_policies.values()):
            raise CloudFrontError(409, "ResponseHeadersPolicyAlreadyExists", f"A response headers policy named {name} already exists.")
        policy = Policy(new_uuid(), config, random_etag(), now())
        store.response_headers_policies[policy.id] = policy
        root = Ops.policy_document(policy, "ResponseHeadersPolicy", "ResponseHeadersPolicyConfig")
        return xml_response(201, root, {"ETag": policy.etag, "Location": f"https://cloudfront.amazonaws.com/{API_VERSION}/response-headers-policy/{policy.id}"})

    @staticmethod
    def get_response_headers_policy(double: CloudFrontDouble, store: Store, request: Request, args: list[str]) -> Response:
        policy = Ops.get_policy_or_404(store, args[0])
        return xml_response(200, Ops.policy_document(policy, "ResponseHeadersPolicy", "ResponseHeadersPolicyConfig"), {"ETag": policy.etag})

    @staticmethod
    def get_response_headers_policy_config(double: CloudFrontDouble, store: Store, request: Request, args: list[str]) -> Response:
        policy = Ops.get_policy_or_404(store, args[0])
        return xml_response(200, renamed(policy.config, "ResponseHeadersPolicyConfig"), {"ETag": policy.etag})

    @staticmethod
    def update_response_headers_policy(double: CloudFrontDouble, store: Store, request: Request, args: list[str]) -> Response:
        policy = Ops.get_policy_or_404(store, args[0])
        if request.if_match() != policy.etag:
            raise CloudFrontError(412, "PreconditionFailed", "The If-Match version does not match the response headers policy.")
        config = Ops.policy_config(request)
        name = text(config, "Name")
        if any(p.id != policy.id and text(p.config, "Name") == name for p in store.response_headers_policies.values()):
            raise CloudFrontError(409, "ResponseHeadersPolicyAlreadyExists", f"A response headers policy named {name} already exists.")
        policy.config, policy.etag, policy.modified = config, random_etag(), now()
        return xml_response(200, Ops.policy_document(policy, "ResponseHeadersPolicy", "ResponseHeadersPolicyConfig"), {"ETag": policy.etag})

    @staticmethod
    def delete_response_headers_policy(double: CloudFrontDouble, store: Store, request: Request, args: list[str]) -> Response:
        policy = Ops.get_policy_or_404(store, args[0])
        if request.if_match() != policy.etag:
            raise CloudFrontError(412, "PreconditionFailed", "The If-Match version does not match the response headers policy.")
        if any(policy.id in references(d.config)["response_headers_policies"] for d in store.distributions.values()):
            raise CloudFrontError(409, "ResponseHeadersPolicyInUse", f"The response headers policy {policy.id} is attached to a distribution.")
        del store.response_headers_policies[policy.id]
        return Response(204)

    @staticmethod
    def list_response_headers_policies(double: CloudFrontDouble, store: Store, request: Request, _args: list[str]) -> Response:
        return Ops.policy_list(request, "ResponseHeadersPolicy", "custom", store.response_headers_policies.values())

    # -- cache policies (managed, read-only)

    @staticmethod
    def get_cache_policy_or_404(store: Store, policy_id: str) -> Policy:
        policy = store.cache_policies.get(policy_id)
        if policy is None:
            raise CloudFrontError(404, "NoSuchCachePolicy", f"The cache policy {policy_id} does not exist.")
        return policy

    @staticmethod
    def list_cache_policies(double: CloudFrontDouble, store: Store, request: Request, _args: list[str]) -> Response:
        return Ops.policy_list(request, "CachePolicy", "managed", store.cache_policies.values())

    @staticmethod
    def policy_list(request: Request, kind: str, policy_type: str, policies: Iterable[Policy]) -> Response:
        """A `<kind>List` of the store's policies, all of `policy_type` (this double has no others), for `?Type=`."""
        wanted = request.param("Type")
        chosen = list(policies) if wanted in (None, "", policy_type) else []
        root = ET.Element(f"{kind}List")
        sub(root, "MaxItems", request.param("MaxItems") or 100)
        sub(root, "Quantity", len(chosen))
        if chosen:
            list_items = sub(root, "Items")
            for policy in chosen:
                summary = sub(list_items, f"{kind}Summary")
                sub(summary, "Type", policy_type)
                summary.append(Ops.policy_document(policy, kind, f"{kind}Config"))
        return xml_response(200, root)

    @staticmethod
    def get_cache_policy(double: CloudFrontDouble, store: Store, request: Request, args: list[str]) -> Response:
        policy = Ops.get_cache_policy_or_404(store, args[0])
        return xml_response(200, Ops.policy_document(policy, "CachePolicy", "CachePolicyConfig"), {"ETag": policy.etag})

    @staticmethod
    def get_cache_policy_config(double: CloudFrontDouble, store: Store, request: Request, args: list[str]) -> Response:
        policy = Ops.get_cache_policy_or_404(store, args[0])
        return xml_response(200, renamed(policy.config, "CachePolicyConfig"), {"ETag": policy.etag})

    # -- distributions

    @staticmethod
    def check_distribution_config(double: CloudFrontDouble, store: Store, config: ET.Element, own_id: str | None) -> None:
        for required in ("CallerReference", "Origins", "DefaultCacheBehavior", "Comment", "Enabled"):
            if child(config, required) is None:
                raise CloudFrontError(400, "InvalidArgument", f"DistributionConfig.{required} is required")
        origin_ids = [text(o, "Id") for o in items(config, "Origins/Items")]
        if not origin_ids:
            raise CloudFrontError(400, "InvalidArgument", "A distribution needs at least one origin")
        behaviors = [child(config, "DefaultCacheBehavior"), *items(config, "CacheBehaviors/Items")]
        for behavior in behaviors:
            if text(behavior, "TargetOriginId") not in origin_ids:
                raise CloudFrontError(400, "NoSuchOrigin", f"No origin has the id {text(behavior, 'TargetOriginId')!r}")
        refs = references(config)
        for policy_id in refs["cache_policies"]:
            Ops.get_cache_policy_or_404(store, policy_id)
        for policy_id in refs["response_headers_policies"]:
            Ops.get_policy_or_404(store, policy_id)
        if refs["origin_request_policies"]:
            raise CloudFrontError(404, "NoSuchOriginRequestPolicy", "The local CloudFront double has no origin request policies.")
        for arn in refs["functions"]:
            function = next((f for f in store.functions.values() if f.arn == arn), None)
            if function is None or function.live is None:
                raise CloudFrontError(400, "InvalidFunctionAssociation", f"The function {arn} does not exist or is not published (no LIVE stage).")
        if double.references is not None:
            for oac_id in refs["origin_access_controls"]:
                if double.references.origin_access_control_exists(store.account_id, oac_id) is False:
                    raise CloudFrontError(404, "NoSuchOriginAccessControl", f"The origin access control {oac_id} does not exist.")
            certificate = text(config, "ViewerCertificate/ACMCertificateArn")
            if certificate:
                status = double.references.certificate_status(store.account_id, certificate)
                if status is not None and status != "ISSUED":
                    raise CloudFrontError(400, "InvalidViewerCertificate",
                                          f"The specified SSL certificate doesn't exist, isn't in us-east-1 region, isn't valid, or doesn't include a valid certificate chain ({certificate}: {status}).")
        aliases = [a.text or "" for a in items(config, "Aliases/Items")]
        for other in store.distributions.values():
            if other.id == own_id:
                continue
            taken = set(aliases) & {a.text or "" for a in items(other.config, "Aliases/Items")}
            if taken:
                raise CloudFrontError(409, "CNAMEAlreadyExists", f"One or more aliases ({', '.join(sorted(taken))}) is already associated with a different resource.")

    @staticmethod
    def distribution_document(double: CloudFrontDouble, distribution: Distribution) -> ET.Element:
        root = ET.Element("Distribution")
        sub(root, "Id", distribution.id)
        sub(root, "ARN", distribution.arn)
        sub(root, "Status", double.distribution_status(distribution))
        sub(root, "LastModifiedTime", timestamp(distribution.modified))
        sub(root, "InProgressInvalidationBatches", 0)
        sub(root, "DomainName", distribution.domain_name)
        for tag in ("ActiveTrustedSigners", "ActiveTrustedKeyGroups"):
            active = sub(root, tag)
            sub(active, "Enabled", False)
            sub(active, "Quantity", 0)
        root.append(Ops.config_as_read(distribution))
        return root

    @staticmethod
    def config_as_read(distribution: Distribution) -> ET.Element:
        """The stored DistributionConfig, plus the empty OriginGroups AWS returns when none were given."""
        config = renamed(distribution.config, "DistributionConfig")
        if child(config, "OriginGroups") is None:
            groups = ET.Element("OriginGroups")
            sub(groups, "Quantity", 0)
            config.insert(list(config).index(child(config, "Origins")) + 1, groups)
        return config

    @staticmethod
    def get_distribution_or_404(store: Store, distribution_id: str) -> Distribution:
        distribution = store.distributions.get(distribution_id)
        if distribution is None:
            raise CloudFrontError(404, "NoSuchDistribution", f"The specified distribution {distribution_id} does not exist.")
        return distribution

    @staticmethod
    def create_distribution(double: CloudFrontDouble, store: Store, request: Request, _args: list[str], with_tags: bool = False) -> Response:
        if with_tags:
            document = parse_body(request.body, "DistributionConfigWithTags")
            config = child(document, "DistributionConfig")
            if config is None:
                raise CloudFrontError(400, "InvalidArgument", "DistributionConfigWithTags.DistributionConfig is required")
            tags = {text(t, "Key"): text(t, "Value") for t in items(document, "Tags/Items")}
        else:
            config, tags = parse_body(request.body, "DistributionConfig"), {}
        reference = text(config, "CallerReference")
        existing = next((d for d in store.distributions.values() if text(d.config, "CallerReference") == reference), None)
        if existing is not None:
            raise CloudFrontError(409, "DistributionAlreadyExists", f"The caller reference is already associated with distribution {existing.id}.")
        Ops.check_distribution_config(double, store, config, None)
        distribution_id = "E" + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(13))
        distribution = Distribution(
            id=distribution_id,
            arn=f"arn:aws:cloudfront::{store.account_id}:distribution/{distribution_id}",
            domain_name="d" + "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(13)) + ".cloudfront.net",
            config=copy.deepcopy(config),
            etag=random_etag(),
            modified=now(),
            deployed_at=time.monotonic() + double.deploy_seconds,
        )
        store.distributions[distribution.id] = distribution
        if tags:
            store.tags[distribution.arn] = tags
        return xml_response(201, Ops.distribution_document(double, distribution),
                            {"ETag": distribution.etag, "Location": f"https://cloudfront.amazonaws.com/{API_VERSION}/distribution/{distribution.id}"})

    @staticmethod
    def create_distribution_with_tags(double: CloudFrontDouble, store: Store, request: Request, args: list[str]) -> Response:
        return Ops.create_distribution(double, store, request, args, with_tags=True)

    @staticmethod
    def get_distribution(double: CloudFrontDouble, store: Store, request: Request, args: list[str]) -> Response:
        distribution = Ops.get_distribution_or_404(store, args[0])
        return xml_response(200, Ops.distribution_document(double, distribution), {"ETag": distribution.etag})

    @staticmethod
    def get_distribution_config(double: CloudFrontDouble, store: Store, request: Request, args: list[str]) -> Response:
        distribution = Ops.get_distribution_or_404(store, args[0])
        return xml_response(200, Ops.config_as_read(distribution), {"ETag": distribution.etag})

    @staticmethod
    def update_distribution(double: CloudFrontDouble, store: Store, request: Request, args: list[str]) -> Response:
        distribution = Ops.get_distribution_or_404(store, args[0])
        if request.if_match() != distribution.etag:
            raise CloudFrontError(412, "PreconditionFailed", "The If-Match version does not match the distribution.")
        config = parse_body(request.body, "DistributionConfig")
        if text(config, "CallerReference") != text(distribution.config, "CallerReference"):
            raise CloudFrontError(400, "IllegalUpdate", "The CallerReference of a distribution cannot be changed.")
        Ops.check_distribution_config(double, store, config, distribution.id)
        distribution.config, distribution.etag, distribution.modified = copy.deepcopy(config), random_etag(), now()
        distribution.deployed_at = time.monotonic() + double.deploy_seconds
        return xml_response(200, Ops.distribution_document(double, distribution), {"ETag": distribution.etag})

    @staticmethod
    def delete_distribution(double: CloudFrontDouble, store: Store, request: Request, args: list[str]) -> Response:
        distribution = Ops.get_distribution_or_404(store, args[0])
        if request.if_match() != distribution.etag:
            raise CloudFrontError(412, "PreconditionFailed", "The If-Match version does not match the distribution.")
        if text(distribution.config, "Enabled") == "true" or double.distribution_status(distribution) != "Deployed":
            raise CloudFrontError(409, "DistributionNotDisabled", "The distribution you are trying to delete has not been disabled (and deployed).")
        del store.distributions[distribution.id]
        store.tags.pop(distribution.arn, None)
        return Response(204)

    @staticmethod
    def list_distributions(double: CloudFrontDouble, store: Store, request: Request, _args: list[str]) -> Response:
        root = ET.Element("DistributionList")
        sub(root, "Marker", request.param("Marker") or "")
        sub(root, "MaxItems", request.param("MaxItems") or 100)
        sub(root, "IsTruncated", False)
        sub(root, "Quantity", len(store.distributions))
        if store.distributions:
            list_items = sub(root, "Items")
            summary_fields = ("Aliases", "Origins", "OriginGroups", "DefaultCacheBehavior", "CacheBehaviors", "CustomErrorResponses",
                              "Comment", "PriceClass", "Enabled", "ViewerCertificate", "Restrictions", "WebACLId", "HttpVersion",
                              "IsIPV6Enabled", "Staging")
            for distribution in store.distributions.values():
                summary = sub(list_items, "DistributionSummary")
                sub(summary, "Id", distribution.id)
                sub(summary, "ARN", distribution.arn)
                sub(summary, "ETag", distribution.etag)
                sub(summary, "Status", double.distribution_status(distribution))
                sub(summary, "LastModifiedTime", timestamp(distribution.modified))
                sub(summary, "DomainName", distribution.domain_name)
                config = Ops.config_as_read(distribution)
                for name in summary_fields:
                    found = child(config, name)
                    if found is not None:
                        summary.append(copy.deepcopy(found))
        return xml_response(200, root)

    # -- tagging

    @staticmethod
    def tagged_resource(store: Store, request: Request) -> str:
        arn = request.param("Resource") or ""
        known = {d.arn for d in store.distributions.values()} | {f.arn for f in store.functions.values()}
        if arn not in known:
            raise CloudFrontError(404, "NoSuchResource", f"The resource {arn} does not exist.")
        return arn

    @staticmethod
    def list_tags(double: CloudFrontDouble, store: Store, request: Request, _args: list[str]) -> Response:
        arn = Ops.tagged_resource(store, request)
        root = ET.Element("Tags")
        tags = store.tags.get(arn, {})
        if tags:
            list_items = sub(root, "Items")
            for key, value in tags.items():
                tag = sub(list_items, "Tag")
                sub(tag, "Key", key)
                sub(tag, "Value", value)
        return xml_response(200, root)

    @staticmethod
    def tag(double: CloudFrontDouble, store: Store, request: Request, _args: list[str]) -> Response:
        arn = Ops.tagged_resource(store, request)
        document = parse_body(request.body, "Tags")
        store.tags.setdefault(arn, {}).update({text(t, "Key"): text(t, "Value") for t in items(document, "Items")})
        return Response(204)

    @staticmethod
    def untag(double: CloudFrontDouble, store: Store, request: Request, _args: list[str]) -> Response:
        arn = Ops.tagged_resource(store, request)
        document = parse_body(request.body, "TagKeys")
        for key in items(document, "Items"):
            store.tags.get(arn, {}).pop(key.text or "", None)
        return Response(204)

    @staticmethod
    def not_implemented(double: CloudFrontDouble, store: Store, request: Request, args: list[str]) -> Response:
        raise CloudFrontError(501, "NotImplemented", f"The local CloudFront test double does not implement {args[0]}.")


def new_uuid() -> str:
    import uuid

    return str(uuid.uuid4())


def references(config: ET.Element) -> dict[str, set[str]]:
    """What a DistributionConfig points at, by kind."""
    found: dict[str, set[str]] = {k: set() for k in ("cache_policies", "response_headers_policies", "origin_request_policies",
                                                     "functions", "origin_access_controls")}
    for behavior in [child(config, "DefaultCacheBehavior"), *items(config, "CacheBehaviors/Items")]:
        for key, tag in (("cache_policies", "CachePolicyId"), ("response_headers_policies", "ResponseHeadersPolicyId"),
                         ("origin_request_policies", "OriginRequestPolicyId")):
            value = text(behavior, tag)
            if value:
                found[key].add(value)
        for association in items(behavior, "FunctionAssociations/Items"):
            found["functions"].add(text(association, "FunctionARN"))
    for origin in items(config, "Origins/Items"):
        value = text(origin, "OriginAccessControlId")
        if value:
            found["origin_access_controls"].add(value)
    return found


# (method, path parts after the head with "*" for a parameter, required query flag) -> handler
ROUTES: dict[str, dict[tuple[str, tuple[str, ...], str | None], Handler]] = {
    "function": {
        ("POST", (), None): Ops.create_function,
        ("GET", (), None): Ops.list_functions,
        ("GET", ("*", "describe"), None): Ops.describe_function,
        ("GET", ("*",), None): Ops.get_function,
        ("PUT", ("*",), None): Ops.update_function,
        ("POST", ("*", "publish"), None): Ops.publish_function,
        ("DELETE", ("*",), None): Ops.delete_function,
    },
    "response-headers-policy": {
        ("POST", (), None): Ops.create_response_headers_policy,
        ("GET", (), None): Ops.list_response_headers_policies,
        ("GET", ("*",), None): Ops.get_response_headers_policy,
        ("GET", ("*", "config"), None): Ops.get_response_headers_policy_config,
        ("PUT", ("*",), None): Ops.update_response_headers_policy,
        ("DELETE", ("*",), None): Ops.delete_response_headers_policy,
    },
    "cache-policy": {
        ("GET", (), None): Ops.list_cache_policies,
        ("GET", ("*",), None): Ops.get_cache_policy,
        ("GET", ("*", "config"), None): Ops.get_cache_policy_config,
    },
    "distribution": {
        ("POST", (), "WithTags"): Ops.create_distribution_with_tags,
        ("POST", (), None): Ops.create_distribution,
        ("GET", (), None): Ops.list_distributions,
        ("GET", ("*",), None): Ops.get_distribution,
        ("GET", ("*", "config"), None): Ops.get_distribution_config,
        ("PUT", ("*", "config"), None): Ops.update_distribution,
        ("DELETE", ("*",), None): Ops.delete_distribution,
    },
}
