"""Run the command line with ``python -m sahelmodel.cli``."""

from sahelmodel.cli import main

raise SystemExit(main())
