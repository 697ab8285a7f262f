"""`interviewer config show`: the merged settings and where they came from."""

from __future__ import annotations

import argparse

from . import add_common, print_json, settings_from


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("config", help="show the effective settings")
    csub = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    show = add_common(csub.add_parser("show", help="print the merged settings"))
    show.add_argument("--json", action="store_true", help="JSON instead of TOML-like text")
    show.set_defaults(func=run_show)


def _toml_lines(data: dict, prefix: str = "") -> list[str]:
    import json

    scalars = [(k, v) for k, v in data.items() if not isinstance(v, dict)]
    tables = [(k, v) for k, v in data.items() if isinstance(v, dict)]
    lines = []
    if prefix and scalars:
        lines.append(f"\n[{prefix}]")
    for key, value in scalars:
        lines.append(f"{key} = {json.dumps(value)}")
    for key, value in tables:
        lines.extend(_toml_lines(value, f"{prefix}.{key}" if prefix else key))
    return lines


def run_show(args: argparse.Namespace) -> int:
    from ..settings import data_home

    settings = settings_from(args)
    data = settings.model_dump(mode="json")
    if args.json:
        print_json({"data_home": str(data_home()), "settings": data}, indent=2)
        return 0
    print(f"# data home: {data_home()}")
    print("\n".join(_toml_lines(data)).lstrip("\n"))
    return 0
