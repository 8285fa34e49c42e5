"""TEST DOUBLE for one S3 request moto 5.2.5 only half answers: CreateBucket with tags.

S3's CreateBucket accepts the bucket's tags in ``CreateBucketConfiguration/Tags``, and the
Terraform provider (6.x) tags a new bucket that way. moto reads only the LocationConstraint from
that document and drops the tags, so the provider would read back an untagged bucket and plan to
tag it on every run.

This WSGI middleware passes every request to moto unchanged. When a CreateBucket carrying tags
succeeds, it then asks moto to store them with the request moto does understand, PutBucketTagging
(``PUT /{bucket}?tagging``), signed with the same credentials. Reads of the tags (GetBucketTagging,
or S3 Control's ListTagsForResource, which moto answers from the same store) are moto's own.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from typing import Any, Callable, Iterable
from xml.sax.saxutils import escape

from wsgi_parts import call_app, read_body

BUCKET_PATH = re.compile(r"^/(?P<bucket>[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9])/?$")
REQUEST_HEADERS_OF_THE_BODY = ("CONTENT_LENGTH", "CONTENT_TYPE", "HTTP_CONTENT_MD5", "HTTP_X_AMZ_CONTENT_SHA256", "HTTP_X_AMZ_CHECKSUM_CRC32",
                               "HTTP_X_AMZ_CHECKSUM_CRC32C", "HTTP_X_AMZ_CHECKSUM_SHA1", "HTTP_X_AMZ_CHECKSUM_SHA256", "HTTP_X_AMZ_SDK_CHECKSUM_ALGORITHM",
                               "HTTP_X_AMZ_TRAILER", "HTTP_CONTENT_ENCODING", "HTTP_X_AMZ_DECODED_CONTENT_LENGTH")


def tags_in(body: bytes) -> list[tuple[str, str]]:
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return []
    local = lambda tag: tag.split("}", 1)[-1]  # noqa: E731
    if local(root.tag) != "CreateBucketConfiguration":
        return []
    found = []
    for node in root.iter():
        if local(node.tag) == "Tag":
            values = {local(c.tag): c.text or "" for c in node}
            if "Key" in values:
                found.append((values["Key"], values.get("Value", "")))
    return found


class S3CreateBucketTagsDouble:
    def __init__(self, app: Callable):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        match = BUCKET_PATH.match(environ.get("PATH_INFO", ""))
        if (
            environ.get("REQUEST_METHOD") != "PUT"
            or environ.get("QUERY_STRING")
            or match is None
            or "/s3/aws4_request" not in environ.get("HTTP_AUTHORIZATION", "")
        ):
            return self.app(environ, start_response)
        body = read_body(environ)
        environ["wsgi.input"] = io.BytesIO(body)
        tags = tags_in(body) if body else []
        if not tags:
            return self.app(environ, start_response)

        status, headers, answer = call_app(self.app, environ)
        if status.startswith("200"):
            self.put_tagging(environ, tags)
        start_response(status, headers)
        return [answer]

    def put_tagging(self, create_environ: dict[str, Any], tags: list[tuple[str, str]]) -> None:
        document = "<Tagging><TagSet>" + "".join(
            f"<Tag><Key>{escape(key)}</Key><Value>{escape(value)}</Value></Tag>" for key, value in tags
        ) + "</TagSet></Tagging>"
        body = document.encode()
        environ = {k: v for k, v in create_environ.items() if k not in REQUEST_HEADERS_OF_THE_BODY}
        environ.update({
            "REQUEST_METHOD": "PUT",
            "QUERY_STRING": "tagging",
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/xml",
            "wsgi.input": io.BytesIO(body),
        })
        outcome: dict[str, str] = {}

        def record(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
            outcome["status"] = status
            return lambda data: None

        chunks = self.app(environ, record)
        b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        if not outcome.get("status", "").startswith(("200", "204")):
            raise RuntimeError(f"s3 double: PutBucketTagging after CreateBucket answered {outcome.get('status')}")
