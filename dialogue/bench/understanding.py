"""Does ShopTalk answer what was said? Runs dialogue specs through the simulator.

    python -m dialogue.bench understanding --spec ../shared/conversations/understanding_dev.json
                                           [--data-dir-root DIR] [--generator none] [--json]

A spec is a JSON file {"about": ..., "dialogues": [{"name", "store", "turns": [{"say", "must",
"not"}]}]}. Each dialogue is one simulator session ("open shop talk", the turns, "stop") for its
own user, on the store it names: "demo" (a fresh data directory seeded with the demo catalog) or
"datafiniti" (a fresh data directory with ../shared/data/reviews/datafiniti_amazon_devices.csv
imported). A turn holds when its spoken text (SSML removed) matches every regular expression in
"must" (case-insensitive), none in "not", and is not the fallback prompt. The report prints the
share of turns that hold, every miss with what was said and answered, and turn latency p50/p95
(warm: each store's index is built and exercised before timing).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATAFINITI = PROJECT_ROOT.parent / "shared" / "data" / "reviews" / "datafiniti_amazon_devices.csv"
FALLBACK_KEY = "fallback.body"
STORES = ("demo", "datafiniti")


@dataclass(frozen=True)
class Turn:
    """One expected turn: what the person says and what the answer must (not) match."""

    say: str
    must: tuple[str, ...] = ()
    must_not: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dialogue:
    name: str
    store: str
    turns: tuple[Turn, ...]


@dataclass
class Outcome:
    """What happened in one turn."""

    dialogue: str
    turn: Turn
    speech: str
    intent: str | None
    latency_ms: float
    problems: list[str] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return not self.problems


class SpecError(ValueError):
    """The spec file is malformed (the message names file, dialogue and field)."""


def load_spec(path: Path) -> list[Dialogue]:
    """Parse and validate a spec file."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SpecError(f"{path}: {exc}") from exc
    dialogues = []
    for i, raw in enumerate(document.get("dialogues", [])):
        where = f"{path}: dialogue {i + 1}"
        if raw.get("store") not in STORES:
            raise SpecError(f"{where}: store: must be one of {', '.join(STORES)}, got {raw.get('store')!r}")
        turns = []
        for j, t in enumerate(raw.get("turns", [])):
            if not isinstance(t.get("say"), str) or not t["say"].strip():
                raise SpecError(f"{where}, turn {j + 1}: say: must be a non-empty string")
            for key in ("must", "not"):
                for pattern in t.get(key, []):
                    try:
                        re.compile(pattern)
                    except re.error as exc:
                        raise SpecError(f"{where}, turn {j + 1}: {key}: bad expression {pattern!r}: {exc}") from exc
            turns.append(Turn(t["say"], tuple(t.get("must", ())), tuple(t.get("not", ()))))
        dialogues.append(Dialogue(str(raw.get("name", f"dialogue-{i + 1}")), raw["store"], tuple(turns)))
    return dialogues


def judge(turn: Turn, speech: str) -> list[str]:
    """The reasons a turn does not hold (empty when it holds)."""
    problems = [f"missing /{p}/" for p in turn.must if not re.search(p, speech, re.IGNORECASE)]
    problems += [f"has /{p}/" for p in turn.must_not if re.search(p, speech, re.IGNORECASE)]
    if fallback_prompt().lower() in speech.lower():
        problems.append("fallback prompt")
    return problems


def fallback_prompt(locale: str = "en-US") -> str:
    """The first sentence of the skill's fallback prompt in `locale` (its telltale)."""
    strings = json.loads((PROJECT_ROOT / "dialogue" / "locales" / locale / "core.json").read_text(encoding="utf-8"))
    return strings[FALLBACK_KEY].split(".")[0]


def prepare_store(kind: str, root: Path) -> Path:
    """A fresh data directory of the named kind (the demo is seeded when first opened)."""
    data_dir = root / kind
    data_dir.mkdir(parents=True, exist_ok=True)
    if kind == "datafiniti" and not any(data_dir.iterdir()):
        if not DATAFINITI.exists():
            raise SystemExit(f"the datafiniti store needs {DATAFINITI} (absent in a user's clone)")
        subprocess.run([sys.executable, "-m", "knowledge", "--data-dir", str(data_dir), "import", str(DATAFINITI)],
                       cwd=PROJECT_ROOT, check=True, capture_output=True)
    return data_dir


def run(dialogues: Sequence[Dialogue], data_dirs: Mapping[str, Path], generator: str = "none") -> list[Outcome]:
    """Every dialogue in its own simulator session; warms each store's index first."""
    from skill.config import SkillConfig
    from skill.simulator import Simulator

    configs = {kind: SkillConfig.from_env({}).with_overrides(data_dir=path, generator=generator)
               for kind, path in data_dirs.items()}
    outcomes: list[Outcome] = []
    for kind, config in configs.items():  # warm-up: index built, models loaded
        warm = Simulator.from_config(config, user="bench-warm-up")
        warm.say("open shop talk")
        warm.say("what do people say about the echo dot")
        warm.say("is it loud enough for a party")  # a search: the query encoder is loaded
        warm.say("let's chat")
        warm.say("stop")
    for n, dialogue in enumerate(dialogues):
        sim = Simulator.from_config(configs[dialogue.store], user=f"bench-{n}-{dialogue.name}")
        sim.say("open shop talk")
        for turn in dialogue.turns:
            started = time.perf_counter()
            result = sim.say(turn.say)
            latency = (time.perf_counter() - started) * 1000
            outcomes.append(Outcome(dialogue.name, turn, result.speech, result.intent, latency,
                                    judge(turn, result.speech)))
        sim.say("stop")
    return outcomes


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, int(round(q * (len(ordered) - 1)))))]


def report(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    held = sum(o.holds for o in outcomes)
    latencies = [o.latency_ms for o in outcomes]
    return {
        "turns": len(outcomes),
        "held": held,
        "share": held / len(outcomes) if outcomes else 0.0,
        "latency_p50_ms": statistics.median(latencies) if latencies else 0.0,
        "latency_p95_ms": percentile(latencies, 0.95),
        "misses": [
            {"dialogue": o.dialogue, "say": o.turn.say, "intent": o.intent, "speech": o.speech,
             "problems": o.problems}
            for o in outcomes if not o.holds
        ],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dialogue.bench understanding", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", type=Path, required=True, help="dialogue spec (JSON)")
    parser.add_argument("--data-dir-root", type=Path, help="reuse data directories under DIR (default: fresh)")
    parser.add_argument("--generator", default="none", help="generator backend (default none: extractive)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    try:
        dialogues = load_spec(args.spec)
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="shoptalk-understanding-") as tmp:
        root = args.data_dir_root or Path(tmp)
        kinds = sorted({d.store for d in dialogues})
        data_dirs = {kind: prepare_store(kind, root) for kind in kinds}
        outcomes = run(dialogues, data_dirs, args.generator)
    summary = report(outcomes)
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    for miss in summary["misses"]:
        print(f"MISS [{miss['dialogue']}] {miss['say']!r} -> {miss['intent']}: {'; '.join(miss['problems'])}")
        print(f"     said: {miss['speech'][:300]}")
    print(f"\n{summary['held']} of {summary['turns']} turns hold ({summary['share']:.0%}); "
          f"turn latency p50 {summary['latency_p50_ms']:.0f} ms, p95 {summary['latency_p95_ms']:.0f} ms "
          f"(generator {args.generator})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
