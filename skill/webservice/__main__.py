"""`python -m skill.webservice`: the same as `python -m skill serve`."""

from __future__ import annotations

import sys

from skill.webservice.cli import main

if __name__ == "__main__":
    sys.exit(main())
