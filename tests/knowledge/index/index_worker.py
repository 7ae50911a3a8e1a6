"""A separate process holding its own PostgreSQL search index, driven by JSON lines on stdin.

Each line is {"op": ..., ...}; each answer is one JSON line on stdout. Used by the
cross-process tests: what one process writes must be visible to another at once.
"""

from __future__ import annotations

import json
import sys
import time

from knowledge.config import KnowledgeConfig
from knowledge.index import open_index
from knowledge.model import Review


def main() -> int:
    config = KnowledgeConfig.from_env()
    index = open_index(store=None, config=config, progress=False)  # type: ignore[arg-type]
    index.search("warm up the model", k=1)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        op = cmd["op"]
        started = time.monotonic()
        if op == "add_review":
            result: object = index.add_review(Review(**cmd["review"]))
        elif op == "remove_review":
            result = index.remove_review(cmd["id"])
        elif op == "remove_product":
            result = index.remove_product(cmd["id"])
        elif op == "search":
            hits = index.search(cmd["query"], product_id=cmd.get("product"), k=cmd.get("k", 5))
            result = [h.source_id for h in hits]
        elif op == "count":
            result = index.passage_count()
        else:
            result = f"unknown op {op}"
        print(json.dumps({"result": result, "seconds": time.monotonic() - started}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
