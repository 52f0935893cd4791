"""``wsas schema bundle``: every schema in one file, for vendors who cannot resolve ``$ref`` over the network."""

from __future__ import annotations

import sys

from .commands import OK
from .output import dumps, write_atomic
from .schemas import bundle


def register(schema) -> None:
    schema_commands = schema.add_subparsers(dest="schema_command", required=True)
    bundled = schema_commands.add_parser("bundle", help="生成单文件模式 / write the bundled schema")
    bundled.add_argument("--output", "-o", metavar="FILE", help="输出文件；缺省写到标准输出")
    bundled.set_defaults(run=run_bundle)


def run_bundle(args) -> int:
    text = dumps(bundle()) + "\n"
    if args.output:
        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return OK
