"""``python -m bsr_map``: the same as the ``bsr-map`` command."""

from bsr_map.cli.main import main

raise SystemExit(main())
