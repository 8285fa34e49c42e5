"""The local AWS of the project's tests and of `npm run local-aws`: moto's server app with the
TEST DOUBLES in front of it (cloudfront_double.py, lambda_double.py, s3_double.py, cloudwatch_cbor_double.py)
and the corrections of moto_fixes.py, in one process, on a loopback port.

    python server.py [--host 127.0.0.1] [--port 0] [--verbose] [--exit-on-stdin-eof]

`--port 0` (the default) binds a free port. When it listens it writes one JSON line on stdout,
`{"endpoint": "http://127.0.0.1:PORT", "port": PORT}`; errors go to stderr (exit 3 when the port is
taken). It stops on SIGINT/SIGTERM, and with `--exit-on-stdin-eof` also when its stdin closes (so it
never outlives the process that started it).

Settings of moto chosen here (each overridable through the environment):
- MOTO_ACM_VALIDATION_WAIT=0: ACM issues a DNS-validated certificate on its first read instead of
  after 60 s; moto does not look at the validation records in either case.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import json
import logging
import os
import signal
import socket
import sys
import threading

os.environ.setdefault("MOTO_ACM_VALIDATION_WAIT", "0")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from werkzeug.serving import make_server  # noqa: E402

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app  # noqa: E402

import moto_fixes  # noqa: E402
from cloudfront_double import CloudFrontDouble, MotoReferences  # noqa: E402
from cloudwatch_cbor_double import CloudWatchCborDouble  # noqa: E402
from lambda_double import LambdaLoggingConfigDouble  # noqa: E402
from s3_double import S3CreateBucketTagsDouble  # noqa: E402


def log(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def account_id_for(access_key: str) -> str:
    """The account moto gives a request signed with this access key (MOTO_ACCOUNT_ID first, as in moto)."""
    if os.environ.get("MOTO_ACCOUNT_ID"):
        return os.environ["MOTO_ACCOUNT_ID"]
    from moto.iam.models import get_account_id_from

    return get_account_id_from(access_key)


class ResettingApp:
    """Passes every request on; `POST /moto-api/reset` (moto's reset of all its stores) also empties the doubles'."""

    def __init__(self, cloudfront: CloudFrontDouble, lambda_logging: LambdaLoggingConfigDouble):
        self.cloudfront = cloudfront
        self.lambda_logging = lambda_logging

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == "/moto-api/reset" and environ.get("REQUEST_METHOD") == "POST":
            with self.cloudfront.lock:
                self.cloudfront.stores.clear()
            self.lambda_logging.reset()
        return self.cloudfront(environ, start_response)


def build_app() -> ResettingApp:
    moto_fixes.apply(log)
    moto_app = DomainDispatcherApplication(create_backend_app)
    lambda_logging = LambdaLoggingConfigDouble(S3CreateBucketTagsDouble(CloudWatchCborDouble(moto_app)), account_id_for)
    deploy_seconds = float(os.environ.get("LOCAL_AWS_CLOUDFRONT_DEPLOY_SECONDS", "0"))
    cloudfront = CloudFrontDouble(lambda_logging, account_id_for, MotoReferences(log), deploy_seconds=deploy_seconds, log=log)
    return ResettingApp(cloudfront, lambda_logging)


def port_taken(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                return True
            raise
    return False


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--verbose", action="store_true", help="log every request on stderr")
    parser.add_argument("--exit-on-stdin-eof", action="store_true")
    args = parser.parse_args(argv)

    try:
        if not ipaddress.ip_address(args.host).is_loopback:
            raise ValueError
    except ValueError:
        log(f"local-aws: --host must be a loopback address (e.g. 127.0.0.1), not {args.host!r}")
        return 2

    logging.getLogger("werkzeug").setLevel(logging.INFO if args.verbose else logging.WARNING)
    in_use = f"local-aws: port {args.port} on {args.host} is already in use"
    if args.port and port_taken(args.host, args.port):
        log(in_use)
        return 3
    try:
        server = make_server(args.host, args.port, build_app(), threaded=True, request_handler=MotoRequestHandler)
    except SystemExit:  # werkzeug exits when the bind fails (taken between the check and here)
        log(in_use)
        return 3

    port = server.server_port
    stopping = threading.Event()

    def stop(*_: object) -> None:
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    if args.exit_on_stdin_eof:
        def watch_stdin() -> None:
            try:
                while os.read(0, 4096):  # unbuffered: no lock left held at interpreter shutdown
                    pass
            except (OSError, ValueError):
                pass
            stop()

        threading.Thread(target=watch_stdin, daemon=True).start()

    host = f"[{args.host}]" if ":" in args.host else args.host
    sys.stdout.write(json.dumps({"endpoint": f"http://{host}:{port}", "port": port}) + "\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
