from provenance._cli import main

raise SystemExit(main())
