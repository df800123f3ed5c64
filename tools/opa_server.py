#!/usr/bin/env python3
"""A small OPA REST server around the real OPA engine, for tests and local runs.

No OPA binary can be downloaded on our machines, but the real engine (OPA v1.20.2 built as a Go
shared library) ships in the PyPI wheel opa-golib-python-bindings; scripts/install-opa.sh puts it
in .local/opa/. This server wraps it in the subset of OPA's REST API that Relay uses:

  PUT    /v1/policies/{id}   raw Rego body -> 200 {} ; compile error -> 400
                             {"code": "invalid_parameter", "message": ..., "errors": [...]}
  DELETE /v1/policies/{id}   -> 200 {} ; unknown id -> 404
  POST   /v1/data/{path}     {"input": ...} -> 200 {"result": ...} ({} when undefined)
  GET    /v1/data/{path}     -> 200 {"result": ...} ({} when undefined)
  GET    /health             -> 200 {}

It listens on 127.0.0.1 only. `--port 0` picks a free port; the first line on stdout is always
`listening on PORT`. Every module is compiled together with the others before a PUT is accepted,
so a broken module is rejected and the previous policies stay in force (as in OPA).
Usage: tools/opa_server.py [--port 8181] [--policy-dir DIR] [--opa-lib DIR] [--exit-on-stdin-eof]
"""

import argparse
import json
import math
import os
import re
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

DEFAULT_LIB = Path(__file__).resolve().parent.parent / ".local" / "opa"
SEGMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
POLICY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")
MAX_BODY = 8 << 20


class BadRequest(Exception):
    """A request the server refuses with 400 and OPA's invalid_parameter code."""


def finite_float(text):
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text} is out of range")
    return value


class PolicyStore:
    """The loaded modules and the engine compiled from them, swapped atomically on change."""

    def __init__(self, engine_class, error_class, undefined_class):
        self.engine_class = engine_class
        self.error_class = error_class
        self.undefined_class = undefined_class
        self.lock = threading.Lock()
        self.modules = {}
        self.engine = engine_class()

    def _compile(self, modules):
        engine = self.engine_class()
        try:
            for module_id, source in modules.items():
                engine.add_policy(module_id, source)
            # add_policy only parses lazily; evaluating the root document compiles every module.
            try:
                engine.eval_document("")
            except self.undefined_class:
                pass
        except Exception:
            engine.close()
            raise
        return engine

    def put(self, module_id, source):
        with self.lock:
            candidate = dict(self.modules)
            candidate[module_id] = source
            engine = self._compile(candidate)  # raises OpaError on compile errors
            old, self.engine, self.modules = self.engine, engine, candidate
            old.close()

    def delete(self, module_id):
        with self.lock:
            if module_id not in self.modules:
                return False
            candidate = dict(self.modules)
            del candidate[module_id]
            engine = self._compile(candidate)
            old, self.engine, self.modules = self.engine, engine, candidate
            old.close()
            return True

    def evaluate(self, path, input_document, has_input):
        with self.lock:
            try:
                if has_input:
                    return True, self.engine.eval_document(path, input_document)
                return True, self.engine.eval_document(path)
            except self.undefined_class:
                return False, None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "relay-opa-server/1"
    store = None  # set in main()
    quiet = False

    # -- plumbing -------------------------------------------------------

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every keep-alive request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):
        if not self.quiet:
            sys.stderr.write("opa_server: %s %s\n" % (self.address_string(), format % args))

    def reply(self, status, document):
        body = json.dumps(document, ensure_ascii=False, allow_nan=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, code, message, errors=None):
        document = {"code": code, "message": message}
        if errors:
            document["errors"] = errors
        self.reply(status, document)

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY:
            raise BadRequest(f"request body larger than {MAX_BODY} bytes")
        return self.rfile.read(length) if length else b""

    def route(self):
        path = urlsplit(self.path).path
        return [unquote(part) for part in path.split("/") if part]

    def data_path(self, parts):
        segments = parts[2:]
        for segment in segments:
            if not SEGMENT.match(segment):
                raise BadRequest(f"unsupported path segment {segment!r} (this server accepts Rego identifiers only)")
        return ".".join(segments)

    def handle_safely(self, action):
        try:
            action()
        except BadRequest as problem:
            self.error(400, "invalid_parameter", str(problem))
        except self.store.error_class as problem:
            self.error(500, "internal_error", f"{problem.code}: {problem.message}")
        except (BrokenPipeError, ConnectionResetError):
            pass

    # -- methods ----------------------------------------------------------

    def do_GET(self):
        def action():
            parts = self.route()
            if parts == ["health"]:
                return self.reply(200, {})
            if parts[:2] == ["v1", "data"]:
                return self.evaluate(self.data_path(parts), None, False)
            self.error(404, "resource_not_found", f"no route for GET {self.path}")
        self.handle_safely(action)

    def do_POST(self):
        def action():
            parts = self.route()
            raw = self.body()
            if parts[:2] != ["v1", "data"]:
                return self.error(404, "resource_not_found", f"no route for POST {self.path}")
            path = self.data_path(parts)
            if not raw.strip():
                return self.evaluate(path, None, False)
            try:
                document = json.loads(raw.decode("utf-8"), parse_float=finite_float)
            except (UnicodeDecodeError, ValueError) as problem:
                raise BadRequest(f"body contains malformed input document: {problem}")
            if not isinstance(document, dict):
                raise BadRequest("body must be a JSON object {\"input\": ...}")
            self.evaluate(path, document.get("input"), "input" in document)
        self.handle_safely(action)

    def do_PUT(self):
        def action():
            parts = self.route()
            raw = self.body()
            if len(parts) != 3 or parts[:2] != ["v1", "policies"] or not POLICY_ID.match(parts[2]):
                return self.error(404, "resource_not_found", f"no route for PUT {self.path}")
            try:
                source = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise BadRequest("policy body is not valid UTF-8")
            try:
                self.store.put(parts[2], source)
            except self.store.error_class as problem:
                return self.error(
                    400, "invalid_parameter", "error(s) occurred while compiling module(s)",
                    [{"code": problem.code, "message": problem.message}])
            self.reply(200, {})
        self.handle_safely(action)

    def do_DELETE(self):
        def action():
            parts = self.route()
            self.body()
            if len(parts) != 3 or parts[:2] != ["v1", "policies"]:
                return self.error(404, "resource_not_found", f"no route for DELETE {self.path}")
            if not self.store.delete(parts[2]):
                return self.error(404, "resource_not_found", f"storage_not_found_error: policy id {parts[2]!r}")
            self.reply(200, {})
        self.handle_safely(action)

    def evaluate(self, path, input_document, has_input):
        defined, value = self.store.evaluate(path, input_document, has_input)
        self.reply(200, {"result": value} if defined else {})


def main():
    parser = argparse.ArgumentParser(description="OPA REST API subset over the real OPA engine (127.0.0.1 only).")
    parser.add_argument("--port", type=int, default=8181, help="TCP port; 0 picks a free one (default 8181)")
    parser.add_argument("--policy-dir", help="load every *.rego file of this folder at start (id = file name)")
    parser.add_argument("--opa-lib", default=os.environ.get("RELAY_OPA_LIB", str(DEFAULT_LIB)),
                        help="folder holding opa_bindings/ (default: .local/opa, see scripts/install-opa.sh)")
    parser.add_argument("--exit-on-stdin-eof", action="store_true",
                        help="exit when standard input closes (tests: never outlive the test process)")
    parser.add_argument("--quiet", action="store_true", default=os.environ.get("RELAY_OPA_SERVER_QUIET") == "1",
                        help="do not log requests to stderr (also RELAY_OPA_SERVER_QUIET=1)")
    args = parser.parse_args()

    if not (Path(args.opa_lib) / "opa_bindings").is_dir():
        sys.exit(f"opa_server: OPA engine not found in {args.opa_lib}; run scripts/install-opa.sh")
    sys.path.insert(0, args.opa_lib)
    from opa_bindings import OpaEngine, OpaError, OpaUndefinedError

    store = PolicyStore(OpaEngine, OpaError, OpaUndefinedError)
    if args.policy_dir:
        for file in sorted(Path(args.policy_dir).glob("*.rego")):
            try:
                store.put(file.name, file.read_text(encoding="utf-8"))
            except OpaError as problem:
                sys.exit(f"opa_server: {file}: {problem.message}")
    Handler.store = store
    Handler.quiet = args.quiet

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"listening on {server.server_address[1]}", flush=True)
    if args.exit_on_stdin_eof:
        def watch_stdin():
            while sys.stdin.buffer.read(4096):
                pass
            os._exit(0)
        threading.Thread(target=watch_stdin, daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
