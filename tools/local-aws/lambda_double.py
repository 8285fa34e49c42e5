"""TEST DOUBLE for one Lambda setting moto 5.2.5 drops: a function's LoggingConfig.

moto stores and returns everything else of a function (runtime, architectures, role, environment,
tracing...) and this module leaves that to it. moto ignores ``LoggingConfig`` in CreateFunction and
UpdateFunctionConfiguration and never returns one, while AWS always returns it (by default
``{"LogFormat": "Text", "LogGroup": "/aws/lambda/<name>"}``). The Terraform provider reads it back,
so a function with a ``logging_config`` block would plan a change on every run.

This WSGI middleware keeps the LoggingConfig each function was given (or AWS's default), passes
every request on to moto unchanged, and adds the stored value to moto's answers of CreateFunction,
GetFunction, GetFunctionConfiguration, UpdateFunctionConfiguration and ListFunctions. A
DeleteFunction forgets it. Nothing is run and no log is written anywhere.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any, Callable, Iterable
from urllib.parse import unquote

from wsgi_parts import access_key_of, call_app, read_body, service_of

FUNCTIONS = re.compile(r"^/20\d\d-\d\d-\d\d/functions/?$")
FUNCTION = re.compile(r"^/20\d\d-\d\d-\d\d/functions/(?P<name>[^/]+)(?P<rest>/configuration)?/?$")


def function_name(raw: str) -> str:
    """The bare name from a name, ``name:qualifier``, a partial ARN or a full ARN."""
    name = unquote(raw)
    if ":function:" in name:
        name = name.split(":function:", 1)[1]
    return name.split(":", 1)[0]


def default_logging(name: str) -> dict[str, Any]:
    return {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"}


class LambdaLoggingConfigDouble:
    def __init__(self, app: Callable, account_id_for: Callable[[str], str]):
        self.app = app
        self.account_id_for = account_id_for
        self.lock = threading.RLock()
        self.configs: dict[tuple[str, str], dict[str, Any]] = {}

    def reset(self) -> None:
        with self.lock:
            self.configs.clear()

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not (FUNCTIONS.match(path) or FUNCTION.match(path)) or service_of(environ) != "lambda":
            return self.app(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET").upper()
        account = self.account_id_for(access_key_of(environ))
        body = read_body(environ)
        requested: dict[str, Any] | None = None
        if method in ("POST", "PUT") and body:
            try:
                requested = json.loads(body).get("LoggingConfig")
            except (ValueError, AttributeError):
                requested = None
        environ["wsgi.input"] = _Body(body)
        environ["CONTENT_LENGTH"] = str(len(body))

        status, headers, answer = call_app(self.app, environ)
        if status.startswith("2"):
            answer = self.amend(method, path, account, requested, answer)
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"] + [("Content-Length", str(len(answer)))]
        start_response(status, headers)
        return [answer]

    def amend(self, method: str, path: str, account: str, requested: dict[str, Any] | None, answer: bytes) -> bytes:
        match = FUNCTION.match(path)
        with self.lock:
            if method == "DELETE" and match and not match.group("rest"):
                self.configs.pop((account, function_name(match.group("name"))), None)
                return answer
            try:
                document = json.loads(answer) if answer else None
            except ValueError:
                return answer
            if not isinstance(document, dict):
                return answer
            if method == "POST" and FUNCTIONS.match(path):  # CreateFunction
                name = document.get("FunctionName", "")
                self.configs[(account, name)] = {**default_logging(name), **(requested or {})}
                self.fill(account, document)
            elif method == "PUT" and match and match.group("rest"):  # UpdateFunctionConfiguration
                name = function_name(match.group("name"))
                if requested is not None:
                    self.configs[(account, name)] = {**default_logging(name), **requested}
                self.fill(account, document)
            elif method == "GET" and match and match.group("rest"):  # GetFunctionConfiguration
                self.fill(account, document)
            elif method == "GET" and match:  # GetFunction
                if isinstance(document.get("Configuration"), dict):
                    self.fill(account, document["Configuration"])
            elif method == "GET" and FUNCTIONS.match(path):  # ListFunctions
                for configuration in document.get("Functions") or []:
                    if isinstance(configuration, dict):
                        self.fill(account, configuration)
            else:
                return answer
        return json.dumps(document).encode()

    def fill(self, account: str, configuration: dict[str, Any]) -> None:
        name = configuration.get("FunctionName")
        if isinstance(name, str):
            configuration["LoggingConfig"] = dict(self.configs.get((account, name), default_logging(name)))


class _Body:
    def __init__(self, data: bytes):
        self.data = data
        self.offset = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size is None or size < 0 else self.offset + size
        chunk = self.data[self.offset:end]
        self.offset += len(chunk)
        return chunk

    def readline(self, size: int = -1) -> bytes:
        newline = self.data.find(b"\n", self.offset)
        end = len(self.data) if newline < 0 else newline + 1
        if size is not None and size >= 0:
            end = min(end, self.offset + size)
        chunk = self.data[self.offset:end]
        self.offset += len(chunk)
        return chunk
