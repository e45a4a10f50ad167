"""The page served by the standard library's `http.server`, on 127.0.0.1 only: `/` is the
page, anything else 404. Nothing is read from disk, so nothing else can be fetched."""
from __future__ import annotations

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOST = "127.0.0.1"


def make_server(html: str, port: int = 0) -> ThreadingHTTPServer:
    """A server bound to 127.0.0.1:`port` (0: a free port; `server.server_address` says which).
    The caller runs `serve_forever()` and `shutdown()` / `server_close()` it."""
    body = html.encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            if self.path.split("?", 1)[0] not in ("/", "/index.html"):
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # requests are not worth a line on stderr
            pass

    server = ThreadingHTTPServer((HOST, port), Page)
    server.daemon_threads = True
    return server
