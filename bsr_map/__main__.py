from bsr_map.cli import main

raise SystemExit(main())
