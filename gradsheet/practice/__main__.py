"""``python -m gradsheet.practice``: serve the practice page and open it in the browser."""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import webbrowser

from gradsheet.derive.errors import SpecError

DESCRIPTION = """\
The practice page: draw a problem (any kind and difficulty, with its seed to share; a lecture
example; or your own network spec), work it by hand, type your values, and check each step:
correct, carried (right from your own earlier values), or wrong with the typical mistake and
the step as it should go. Show one step of the worked solution, or all of it.

It runs on this computer (127.0.0.1) and opens in your browser; nothing leaves the machine,
and your values stay in the browser."""

EPILOG = """\
examples:
  gradsheet-practice                      serve on 127.0.0.1:8765 and open the browser
  gradsheet-practice --port 9000 --no-browser
  gradsheet-practice --host 0.0.0.0       for a class on a server (read-only, no accounts);
                                          better behind a WSGI server:
                                          gunicorn -w 4 'gradsheet.practice.app:create_app()'"""


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="gradsheet-practice", description=DESCRIPTION, epilog=EPILOG,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=8765, help="the port to serve on (default 8765)")
    ap.add_argument("--host", default="127.0.0.1", help="the address to bind (default 127.0.0.1: this computer only)")
    ap.add_argument("--no-browser", action="store_true", help="do not open the browser")
    return ap


def _free(host: str, port: int) -> None:
    """Raise OSError if ``host:port`` cannot be bound (as the server binds it: address reuse on)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if not 0 < args.port < 65536:
            raise SpecError("--port", f"{args.port} is not a port", "give one from 1 to 65535, e.g. --port 8765")
        from werkzeug.serving import make_server

        from .app import create_app

        try:
            _free(args.host, args.port)  # werkzeug exits with its own two lines on a port in use
            server = make_server(args.host, args.port, create_app(), threaded=True)
        except OSError as error:
            raise SpecError(f"--host {args.host} --port {args.port}", f"cannot serve: {error.strerror or error}",
                            "choose another --port, or stop what uses it") from None
    except SpecError as error:
        sys.stderr.write(f"gradsheet-practice: error: {error}\n")
        return 2
    host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    url = f"http://{host}:{server.server_port}/"
    sys.stdout.write(f"gradsheet practice at {url} (Ctrl-C stops it)\n")
    sys.stdout.flush()
    if not args.no_browser:
        threading.Timer(0.3, webbrowser.open, (url,)).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.stdout.write("stopped\n")
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
