"""Serving the Flask app with waitress, a production WSGI server (pure Python, from PyPI).

Flask's development server is single-request-at-a-time friendly but not built for load;
waitress multiplexes many keep-alive connections on one event loop and runs requests on a
thread pool, which carries 50 concurrent Alexa clients at hundreds of requests per second on
2 cores (see BENCHMARKS.md). `BackgroundServer` runs the same server in a thread for tests and
the load benchmark.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

DEFAULT_THREADS = 8


@dataclass(frozen=True)
class ServerOptions:
    """How waitress listens: address, worker threads and the transport-level body limit."""

    host: str = "127.0.0.1"
    port: int = 8000
    threads: int = DEFAULT_THREADS
    max_body_bytes: int = 128 * 1024
    connection_limit: int = 256

    def waitress_settings(self) -> dict[str, Any]:
        """Keyword arguments for `waitress.create_server`."""
        return {
            "host": self.host,
            "port": self.port,
            "threads": self.threads,
            # The app refuses bodies over max_body_bytes with 413 itself; waitress stops
            # reading a little above that, so a huge upload is cut off at the transport.
            "max_request_body_size": self.max_body_bytes + 1024,
            "connection_limit": self.connection_limit,
            "asyncore_use_poll": True,
            "expose_tracebacks": False,
            "ident": "ShopTalk",
        }


def create_server(app: Flask, options: ServerOptions) -> Any:
    """A bound (listening) waitress server for `app`; call `.run()` to serve."""
    import waitress.server

    return waitress.server.create_server(app, **options.waitress_settings())


def serve_forever(app: Flask, options: ServerOptions) -> None:
    """Serve `app` until interrupted (Ctrl-C)."""
    server = create_server(app, options)
    try:
        server.run()
    finally:
        server.close()


class BackgroundServer:
    """`app` served by waitress on a thread; port 0 picks a free port (see `.url`)."""

    def __init__(self, app: Flask, options: ServerOptions | None = None) -> None:
        self._server = create_server(app, options or ServerOptions(port=0))
        self._thread = threading.Thread(target=self._server.run, name="shoptalk-web", daemon=True)

    @property
    def host(self) -> str:
        """The address the server listens on."""
        return str(self._server.effective_host)

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self._server.effective_port)

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:43121."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> BackgroundServer:
        """Start serving; returns self."""
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop listening, close open connections and wait for the serving thread."""
        from waitress import wasyncore

        self._server.task_dispatcher.shutdown(timeout=timeout_s)
        wasyncore.close_all(self._server._map, ignore_all=True)
        self._thread.join(timeout_s)

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
