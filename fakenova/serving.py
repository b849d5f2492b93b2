"""Serve a WSGI app on a real socket from a background thread: the one server machinery of the CLI and plugin.

``ServerThread`` binds in the caller's thread (so "address in use" is raised where it can be handled), serves
from a daemon thread, sets a ready event, and stops cleanly from any thread. ``run_server`` wraps it for
``fakenova serve``: announce the URL, wait for SIGINT/SIGTERM (or a stop event), shut down.

The WSGI server is waitress by default, chosen by measurement (``bench/wsgi_choice.py``, figures in
``docs/performance.md``); cheroot and werkzeug's threaded server stay available as ``backend=`` for comparison.
None of the backends writes an access log: the control plane's request journal is the record of requests.
"""
from __future__ import annotations

import logging
import signal
import socket
import threading
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Type

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication
    from flask import Flask

from .settings import DEFAULT_CHANNEL_TIMEOUT, DEFAULT_CONNECTION_LIMIT

logger = logging.getLogger("fakenova.serving")

#: worker threads of the pooled backends (waitress, cheroot); idle keep-alive connections hold none
DEFAULT_THREADS = 8
#: the backend used unless one is named
DEFAULT_BACKEND = "waitress"
#: seconds between two looks at SIGINT/SIGTERM in run_server (the most a signal waits to be acted on)
SIGNAL_POLL = 0.05
#: bytes of request body waitress buffers at most (to a temporary file past its in-memory buffer); over it
#: waitress answers 413 itself without reading on. Above the API's own cap (settings.MAX_REQUEST_BODY), so bodies
#: between the two get the service's 413; an app's image data limit is added (see :func:`body_limit`).
WSGI_BODY_LIMIT = 1024 * 1024


def body_limit(app: Any) -> int:
    """The body waitress lets through to ``app``: :data:`WSGI_BODY_LIMIT`, plus, for a fakenova app, its image
    data limit, so an image upload (``PUT .../file``, which the API streams past its JSON cap) reaches Glance's
    own checks and its 413 instead of waitress's plain-text one."""
    extensions = getattr(app, "extensions", None) or {}
    runtime = extensions.get("fakenova")
    settings = getattr(runtime, "settings", None)
    return WSGI_BODY_LIMIT + int(getattr(settings, "image_data_limit", 0))


def format_url(host: str, port: int) -> str:
    """``http://host:port``, with an IPv6 literal in brackets.

    :param host: the bound address (``127.0.0.1``, ``::1``, a name).
    :param port: the bound port.

    .. versionadded:: 0.1
    """
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _bind(host: str, port: int, reuse_port: bool = False, listen: bool = True) -> socket.socket:
    """A listening TCP socket on the first address ``host`` resolves to (one socket, so port 0 is one port).

    :param reuse_port: set SO_REUSEPORT, so several processes listen on this one address and the kernel
        spreads the connections among them (``fakenova serve --workers``).
    :param listen: listen (False only to hold a port for the workers: a socket that does not listen is
        given no connections).
    """
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
        if listen:
            sock.listen(1024)
    except OSError:
        sock.close()
        raise
    return sock


class _Waitress:
    """waitress: one asyncore loop for all sockets plus a pool of worker threads."""

    def __init__(self, app: WSGIApplication, host: str, port: int, threads: int,
                 connection_limit: int = DEFAULT_CONNECTION_LIMIT,
                 channel_timeout: float = DEFAULT_CHANNEL_TIMEOUT, reuse_port: bool = False,
                 body_limit: int = WSGI_BODY_LIMIT) -> None:
        from waitress.server import create_server

        # Our own socket: waitress would open one per address of a name like "localhost", each with its own
        # ephemeral port. poll() rather than select(), which cannot watch descriptors above 1024.
        self._server = create_server(app, sockets=[_bind(host, port, reuse_port)], threads=threads, ident="fakenova",
                                     connection_limit=connection_limit, channel_timeout=channel_timeout,
                                     asyncore_use_poll=True, max_request_body_size=body_limit)
        self.port = int(self._server.effective_port)

    def serve(self) -> None:
        self._server.run()

    def stop(self) -> None:
        from waitress import wasyncore

        server = self._server
        # Close every channel inside the loop's own thread (asyncore is not thread-safe); the loop ends when
        # its map is empty, including idle keep-alive connections.
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))

    def close(self) -> None:
        self._server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)


class _Cheroot:
    """cheroot (CherryPy's server): a selector-based connection manager plus a pool of worker threads."""

    def __init__(self, app: WSGIApplication, host: str, port: int, threads: int, **tuning: Any) -> None:
        from cheroot.wsgi import Server

        self._server = Server((host, port), app, numthreads=threads, shutdown_timeout=5)
        self._server.prepare()
        self.port = int(self._server.bind_addr[1])

    def serve(self) -> None:
        self._server.serve()

    def stop(self) -> None:
        self._server.stop()

    def close(self) -> None:
        pass


class _Werkzeug:
    """werkzeug's development server, threaded (Flask's own): a thread per connection, no keep-alive."""

    def __init__(self, app: WSGIApplication, host: str, port: int, threads: int, **tuning: Any) -> None:
        from werkzeug.serving import WSGIRequestHandler, make_server

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, *args: Any, **kwargs: Any) -> None:  # no access log, like the others
                pass

        self._server = make_server(host, port, app, threaded=True, request_handler=QuietHandler)
        self.port = int(self._server.port)

    def serve(self) -> None:
        self._server.serve_forever(poll_interval=0.1)

    def stop(self) -> None:
        self._server.shutdown()

    def close(self) -> None:
        self._server.server_close()


#: backend name -> adapter class; each binds in its constructor and offers serve/stop/close
BACKENDS: Dict[str, Type[Any]] = {"waitress": _Waitress, "cheroot": _Cheroot, "werkzeug": _Werkzeug}


class ServerThread:
    """A WSGI app served on ``host:port`` from a daemon thread.

    :param app: the WSGI application (a fakenova app from ``create_app()``).
    :param host: address to bind; loopback by default.
    :param port: port to bind; 0 (the default) picks a free one, readable as :attr:`port` after :meth:`start`.
    :param threads: worker threads for pooled backends.
    :param backend: a key of :data:`BACKENDS`.
    :param connection_limit: open connections accepted before refusing (waitress; logged when reached).
    :param channel_timeout: seconds an idle connection is kept (waitress).

    Use it as a context manager, or call :meth:`start` and :meth:`shutdown`. An exception that ends the serving
    loop is kept in :attr:`error` and re-raised by :meth:`shutdown`.

    .. versionadded:: 0.1
    """

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0, threads: int = DEFAULT_THREADS,
                 backend: str = DEFAULT_BACKEND, *, connection_limit: int = DEFAULT_CONNECTION_LIMIT,
                 channel_timeout: float = DEFAULT_CHANNEL_TIMEOUT, reuse_port: bool = False) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"unknown server backend {backend!r}; choose from {', '.join(BACKENDS)}")
        self.app, self.host, self.threads, self.backend = app, host, threads, backend
        self.tuning: Dict[str, Any] = {"connection_limit": connection_limit, "channel_timeout": channel_timeout,
                                       "body_limit": body_limit(app)}
        if reuse_port:  # waitress only: the one backend `fakenova serve --workers` runs
            self.tuning["reuse_port"] = True
        self.port = port
        self.ready = threading.Event()
        self.error: Optional[BaseException] = None
        self._server: Any = None
        self._thread: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        """The base URL, ``http://127.0.0.1:<port>``."""
        return format_url(self.host, self.port)

    def start(self, timeout: float = 10.0) -> "ServerThread":
        """Bind (raising ``OSError`` here if the address is taken), start serving, wait until ready."""
        if self._thread is not None:
            raise RuntimeError("server already started")
        self._server = BACKENDS[self.backend](self.app, self.host, self.port, self.threads, **self.tuning)
        self.port = self._server.port
        self._thread = threading.Thread(target=self._serve, name=f"fakenova-{self.backend}-{self.port}",
                                        daemon=True)
        self._thread.start()
        if not self.ready.wait(timeout):  # pragma: no cover - the thread sets it before anything can fail
            raise RuntimeError(f"server thread did not start within {timeout} s")
        return self

    def _serve(self) -> None:
        self.ready.set()  # the socket is already listening: connections queue until the loop accepts them
        try:
            self._server.serve()
        except BaseException as exc:  # kept for shutdown(), which runs in the thread that cares
            self.error = exc
            logger.exception("server loop failed")

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop serving, close the socket and worker threads; re-raise a failure of the serving loop."""
        if self._thread is None:
            return
        self._server.stop()
        self._thread.join(timeout)
        self._server.close()
        stuck = self._thread.is_alive()
        self._thread = None
        if self.error is not None:
            raise RuntimeError(f"fakenova server loop failed: {self.error!r}") from self.error
        if stuck:
            raise RuntimeError(f"server thread did not stop within {timeout} s")

    def __enter__(self) -> "ServerThread":
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.shutdown()


def run_server(app: Flask, host: str = "127.0.0.1", port: int = 8774, threads: int = DEFAULT_THREADS,
               ready_callback: Optional[Callable[[str], None]] = None, *, backend: str = DEFAULT_BACKEND,
               stop: Optional[threading.Event] = None, handle_signals: bool = True,
               connection_limit: int = DEFAULT_CONNECTION_LIMIT,
               channel_timeout: float = DEFAULT_CHANNEL_TIMEOUT, reuse_port: bool = False) -> None:
    """Serve ``app`` until SIGINT/SIGTERM (or ``stop`` is set), then shut down cleanly and return.

    :param ready_callback: called with the base URL once the socket is listening.
    :param stop: an event another thread may set to stop the server; a fresh one when None.
    :param handle_signals: install SIGINT/SIGTERM handlers that set ``stop`` (main thread only); the previous
        handlers are restored on return.

    .. versionadded:: 0.1
    """
    stop = stop or threading.Event()
    # A Python signal handler runs in the main thread between two bytecodes, possibly while that thread is
    # inside stop.wait() holding the event's lock: calling stop.set() there waits for that lock forever (a
    # SIGTERM just after start-up hung `fakenova serve`). So the handler only records the signal, without a
    # lock, and the loop below looks at the record every SIGNAL_POLL seconds.
    received: List[int] = []
    previous: Dict[int, Any] = {}
    if handle_signals and threading.current_thread() is threading.main_thread():
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            previous[stop_signal] = signal.signal(stop_signal, lambda number, frame: received.append(number))
    server = ServerThread(app, host, port, threads, backend, connection_limit=connection_limit,
                          channel_timeout=channel_timeout, reuse_port=reuse_port)
    try:
        server.start()
        if ready_callback is not None:
            ready_callback(server.url)
        while not received and not stop.wait(SIGNAL_POLL) and server.error is None:
            pass
        if received:
            stop.set()
        logger.info("stopping %s", server.url)
    finally:
        try:
            server.shutdown()  # a no-op when start() failed
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
