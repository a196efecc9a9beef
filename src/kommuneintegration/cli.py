"""The ``kommuneintegration`` command: a thin layer over the public API.

Every subcommand parses its arguments, calls one library function and prints
what a renderer returns. Errors are one line on stderr and a non-zero exit;
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from kommuneintegration import __version__
from kommuneintegration.plugins import PluginHost, PluginInfo, get_host

__all__ = ["main"]

Handler = Callable[[argparse.Namespace, PluginHost, TextIO], int]


class CommandError(Exception):
    """A user error the command reports in one line."""


def _plugins(args: argparse.Namespace, host: PluginHost, out: TextIO) -> int:
    infos = host.plugins()
    if args.format == "json":
        json.dump([_plugin_json(i) for i in infos], out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(_plugin_table(infos))
    return 1 if args.strict and any(i.errors for i in infos) else 0


def _plugin_json(info: PluginInfo) -> dict[str, Any]:
    return {
        "name": info.name,
        "distribution": info.distribution,
        "version": info.version,
        "municipality": None
        if info.municipality is None
        else {"code": info.municipality.code, "name": info.municipality.name},
        "strategies": list(info.strategies),
        "hooks": list(info.hooks),
        "errors": list(info.errors),
    }


def _plugin_table(infos: Sequence[PluginInfo]) -> str:
    if not infos:
        return "No plugins installed. Install one, e.g. pip install ./plugins/aalborg\n"
    lines: list[str] = []
    for info in infos:
        dist = f" ({info.distribution} {info.version})" if info.distribution else ""
        muni = f"{info.municipality.code} {info.municipality.name}" if info.municipality else "-"
        lines += [
            f"{info.name}{dist}",
            f"  municipality: {muni}",
            f"  strategies:   {', '.join(info.strategies) or '-'}",
            f"  hooks:        {', '.join(info.hooks) or '-'}",
        ]
        if info.errors:
            lines.append(f"  errors:       {len(info.errors)}")
            lines += [f"    - {e}" for e in info.errors]
        else:
            lines.append("  errors:       none")
    return "\n".join(lines) + "\n"


def _new_plugin(args: argparse.Namespace, host: PluginHost, out: TextIO) -> int:
    from kommuneintegration.scaffold import new_plugin

    path = new_plugin(args.name, args.code, args.dir, args.municipality)
    out.write(
        f"Wrote {path}\nNext: pip install -e {path} && pytest {path} && kommuneintegration plugins\n"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kommuneintegration",
        description="Compare how Danish municipalities pursue the integration of immigrants and descendants.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show tracebacks instead of one-line errors"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="fail on any plugin problem (also KOMMUNEINTEGRATION_STRICT_PLUGINS=1)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("plugins", help="list installed plugins, their hooks and load errors")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=_plugins)

    p = sub.add_parser("new-plugin", help="write a new municipality plugin package")
    p.add_argument("name", help="plugin name, lower case (e.g. odense)")
    p.add_argument("--code", required=True, help="DST municipality code (kommunekode), e.g. 461")
    p.add_argument("--dir", default=".", help="folder to write the package in (default: .)")
    p.add_argument("--municipality", help="the municipality's name (default: from NAME)")
    p.set_defaults(handler=_new_plugin)

    return parser


def main(
    argv: Sequence[str] | None = None, *, host: PluginHost | None = None, out: TextIO | None = None
) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    out = out if out is not None else sys.stdout
    try:
        if host is None:
            host = PluginHost(strict=True) if args.strict else get_host()
        handler: Handler = args.handler
        return handler(args, host, out)
    except KeyboardInterrupt:
        print("kommuneintegration: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if args.debug:
            raise
        message = str(exc).strip() or type(exc).__name__
        if isinstance(exc, KeyError) and message.startswith(("'", '"')):
            message = message[1:-1]
        first, _, rest = message.partition("\n")
        print(f"kommuneintegration: error: {first}", file=sys.stderr)
        if rest:
            print(rest, file=sys.stderr)
        return 1
