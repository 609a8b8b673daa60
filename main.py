"""Launch bsr-map from a source checkout: ``python main.py [subcommand ...]``."""

from bsr_map.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
