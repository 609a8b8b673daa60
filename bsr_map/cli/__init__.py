"""The ``bsr-map`` command line: every argparse parser, subcommand, exit status and output check."""
