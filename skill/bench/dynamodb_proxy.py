"""A fault-injecting, counting HTTP proxy on loopback in front of a DynamoDB-compatible server.

The fault-injection tests and the DynamoDB benchmark put it between the store and the server: it forwards each
request unchanged, or first waits (`delay_s`), or answers with DynamoDB's throttling error
instead (`throttle`), and it counts the operations it saw and the capacity the server
reported (it asks for ReturnConsumedCapacity=TOTAL on every operation that accepts it).

With `serialize=True` it forwards one request at a time: moto's server handles requests on
threads without locking, so two conditional writes to one item can both pass there, while
DynamoDB applies writes to one item one after another. Serialised, moto keeps that guarantee
and concurrency tests test the store, not moto.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

THROTTLE_BODY = json.dumps(
    {
        "__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException",
        "message": "Rate of requests exceeds the allowed throughput.",
    }
).encode()
_CAPACITY_OPERATIONS = frozenset(
    {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "BatchGetItem", "BatchWriteItem", "TransactWriteItems", "TransactGetItems"}
)


def transaction_capacity(request: dict[str, Any]) -> list[dict[str, float]]:
    """What DynamoDB charges for a TransactWriteItems that moto reports no capacity for: two
    write units per started KB of each item (ConditionCheck: two per KB of the key)."""
    units = 0.0
    for action in request.get("TransactItems", []):
        for detail in action.values():
            size = len(json.dumps(detail.get("Item") or detail.get("Key") or {}).encode())
            units += 2 * max(1, -(-size // 1024))
    return [{"CapacityUnits": units, "WriteCapacityUnits": units}]


@dataclass
class Faults:
    """What the proxy does to the next requests, and what it has seen (thread-safe)."""

    delay_s: float = 0.0
    throttle: bool = False
    operations: Counter[str] = field(default_factory=Counter)
    read_units: float = 0.0
    write_units: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def reset_counts(self) -> None:
        with self.lock:
            self.operations.clear()
            self.read_units = self.write_units = 0.0

    def count(self, operation: str, response: Any) -> None:
        with self.lock:
            self.operations[operation] += 1
            capacity = response.get("ConsumedCapacity") if isinstance(response, dict) else None
            for entry in capacity if isinstance(capacity, list) else [capacity] if capacity else []:
                units = float(entry.get("CapacityUnits", 0))
                read = float(entry.get("ReadCapacityUnits", 0) or 0)
                write = float(entry.get("WriteCapacityUnits", 0) or 0)
                if not read and not write:  # moto reports only the total: reads vs writes by operation
                    if operation in ("GetItem", "Query", "BatchGetItem", "TransactGetItems"):
                        read = units
                    else:
                        write = units
                self.read_units += read
                self.write_units += write


class FaultProxy:
    """The proxy server on a free loopback port; `url` is its endpoint. Stop it with `close`."""

    def __init__(self, upstream: str, serialize: bool = False) -> None:
        self.faults = Faults()
        target = urlsplit(upstream)
        faults = self.faults
        one_at_a_time = threading.Lock() if serialize else None

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet: tests read the counters instead
                return

            def do_POST(self) -> None:  # DynamoDB's JSON protocol is POST only
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                operation = self.headers.get("X-Amz-Target", "").rpartition(".")[2]
                if faults.delay_s:
                    time.sleep(faults.delay_s)
                if faults.throttle:
                    with faults.lock:
                        faults.operations[f"throttled {operation}"] += 1
                    self._answer(400, THROTTLE_BODY)
                    return
                if operation in _CAPACITY_OPERATIONS:
                    request = json.loads(body or b"{}")
                    request.setdefault("ReturnConsumedCapacity", "TOTAL")
                    body = json.dumps(request).encode()
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("content-length", "host")}
                headers["Content-Length"] = str(len(body))
                try:
                    if one_at_a_time is None:
                        status, data = self._forward(body, headers)
                    else:
                        with one_at_a_time:
                            status, data = self._forward(body, headers)
                except OSError as exc:  # the server went away (a test ended): say so, quietly
                    self._answer(502, json.dumps({"__type": "ProxyError", "message": str(exc)}).encode())
                    return
                try:
                    answer = json.loads(data or b"{}")
                except ValueError:
                    answer = None
                if operation == "TransactWriteItems" and status == 200 and isinstance(answer, dict):
                    if not answer.get("ConsumedCapacity"):
                        answer["ConsumedCapacity"] = transaction_capacity(json.loads(body))
                faults.count(operation, answer)
                self._answer(status, data)

            def _forward(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
                connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                try:
                    connection.request("POST", "/", body=body, headers=headers)
                    upstream_response = connection.getresponse()
                    return upstream_response.status, upstream_response.read()
                finally:
                    connection.close()

            def _answer(self, status: int, data: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/x-amz-json-1.0")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (its read timeout): exactly what we test

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="dynamodb-proxy", daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
