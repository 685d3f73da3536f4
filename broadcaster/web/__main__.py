"""The console's server process: `python -m broadcaster.web --config PATH [--host H] [--port P]`.

`broadcaster web` checks the station and the port, then replaces itself with this process, so the
running console does not keep the whole command line (reports, .docx, charts) in memory.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from broadcaster.errors import BroadcasterError
from broadcaster.i18n import cli_language, set_language


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m broadcaster.web", description="Serve the web console.")
    parser.add_argument("--config", type=Path, required=True, help="The station's config.toml.")
    parser.add_argument("--host", help="Address to listen on (default: [web] host).")
    parser.add_argument("--port", type=int, help="Port to listen on (default: [web] port).")
    args = parser.parse_args(argv)
    set_language(cli_language((), args.config))
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    import uvicorn

    from broadcaster.web.app import create_app

    try:
        app = create_app(args.config)
    except BroadcasterError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    settings = app.state.console.config.web
    uvicorn.run(
        app,
        host=args.host or settings.host,
        port=args.port or settings.port,
        log_level="info",
        proxy_headers=True,
        server_header=False,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
