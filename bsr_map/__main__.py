from bsr_map.cli.main import main

raise SystemExit(main())
