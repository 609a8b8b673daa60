"""A TCP proxy in front of PostgreSQL that loses the connection right after the server has committed.

It passes everything through until armed; then, when the client sends
``COMMIT``, the proxy forwards it, waits for the server to answer, and closes
the client's connection without passing the answer on: the server has
committed, the client only sees the network fail. Later connections pass.
"""

from __future__ import annotations

import socket
import threading
from contextlib import suppress


class CommitDroppingProxy:
    """Listens on a free loopback port and forwards to ``(host, port)``."""

    def __init__(self, host: str, port: int):
        self._target = (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.armed = False
        self.dropped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self._target)
            held = threading.Event()  # set once a COMMIT is on its way: the answer is not passed on
            threading.Thread(target=self._pump, args=(client, server, held, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, held, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, held: threading.Event, upstream: bool) -> None:
        try:
            while data := source.recv(65536):
                if not upstream and held.is_set():
                    continue  # the server's answer to the COMMIT: swallowed
                if upstream and self.armed and b"COMMIT" in data:
                    self.armed = False
                    held.set()
                    sink.sendall(data)
                    threading.Timer(0.5, self._drop, args=(source, sink)).start()
                    continue
                sink.sendall(data)
        except OSError:
            pass

    def _drop(self, client: socket.socket, server: socket.socket) -> None:
        for sock in (client, server):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.dropped.set()

    def close(self) -> None:
        """Stop listening."""
        self._listener.close()
