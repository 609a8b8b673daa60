"""The ``bsr-map`` command line: every argparse parser, subcommand, exit status and output check."""

from bsr_map.cli.main import main

__all__ = ["main"]
