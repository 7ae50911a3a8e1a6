"""`python -m knowledge.store.dynamodb migrate ...` (see `knowledge.store.dynamodb.migrate`)."""

from __future__ import annotations

import sys

from knowledge.store.dynamodb.migrate import main

if __name__ == "__main__":
    sys.exit(main())
