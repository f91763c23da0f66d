"""``python -m bench.servers NAME --port N [--data-dir D] [--user-id U]``: serve one benchmark server.

Imports only the named server's module, then serves it in this one process on 127.0.0.1 until
SIGTERM / SIGINT, as ``heavy run`` serves the app (Sanic's own server, uvloop, no access log).
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path
from typing import Any

from sanic import Sanic

from bench.servers import SERVERS_BY_NAME, ServerOptions


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.servers", description=__doc__)
    parser.add_argument("name", choices=sorted(SERVERS_BY_NAME))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--user-id")
    args = parser.parse_args(argv)

    module = importlib.import_module(SERVERS_BY_NAME[args.name].module)
    app: Sanic[Any, Any] = module.build_app(
        ServerOptions(port=args.port, data_dir=args.data_dir, user_id=args.user_id)
    )
    app.prepare(host="127.0.0.1", port=args.port, single_process=True, motd=False, access_log=False)
    Sanic.serve_single(app)


if __name__ == "__main__":
    main()
