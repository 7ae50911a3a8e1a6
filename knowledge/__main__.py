"""`python -m knowledge`: the content-team CLI (see knowledge.cli)."""

from knowledge.cli import main

raise SystemExit(main())
