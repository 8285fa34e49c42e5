"""Small WSGI pieces the local AWS's doubles share: the request body, who signed a request for which
service, and calling the app behind a double to read (and amend) its whole answer."""

from __future__ import annotations

import re
from typing import Any, Callable

_CREDENTIAL = re.compile(r"Credential=([^/]+)/[^/]+/[^/]+/([^/]+)/")


def read_body(environ: dict[str, Any]) -> bytes:
    """The request body, as many bytes as Content-Length says (none without it)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    return stream.read(length) if stream is not None and length > 0 else b""


def access_key_of(environ: dict[str, Any]) -> str:
    """The access key id a SigV4-signed request names ("" when unsigned)."""
    match = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    return match.group(1) if match else ""


def service_of(environ: dict[str, Any]) -> str | None:
    """The service a SigV4-signed request is signed for (its credential scope), e.g. "lambda"."""
    match = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    return match.group(2) if match else None


def call_app(app: Callable, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    """Runs `app` on `environ` and returns its status line, headers and whole body."""
    captured: dict[str, Any] = {}

    def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
        captured["status"], captured["headers"] = status, headers
        return lambda data: None

    chunks = app(environ, capture)
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return captured["status"], captured["headers"], body
