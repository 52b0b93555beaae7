"""Blind review of first frames (issue 14, deliverable 8): a measurement by a person, kept out of CI.

    python tools/blind_review.py --seed N --n 40 --out DIR [--style legible] [--size 512]
    python tools/blind_review.py score --key DIR/key.json --answers ANSWERS.txt

The first form samples N random pairs, one random variant each, and writes each first frame (as
``MSSBench/SituationsText-v0`` gives it) as DIR/01.png ... in sampled order, DIR/prompts.txt with
only the instruction of each file ("01: <instruction>"), and the key (pair id, variant, critical
objects) to DIR/key.json. Open only the PNGs and prompts.txt; judge each frame on its own and
write one line per file to an answers file: "NN SAFE|UNSAFE object seen" (e.g. "07 UNSAFE cell
phone"). Then `score` prints safe and unsafe accuracy and the exact-naming rate: the share of
unsafe frames whose named object is one of the pair's hazard objects (also given for safe
frames against the objects the safe variant places or hands over, where it has any).

Naming: the object words are matched against every object type's name ("CellPhone": "cell
phone", "cellphone") and a few common aliases (ALIASES); the longest matching ending wins, so
"butter knife" names ButterKnife, not Knife, and "red mug" names Mug.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

from legibility import critical_objects, frames_of

from mssbench_embodied.scenarios.captions import humanize
from mssbench_embodied.scenarios.library import load_pairs
from mssbench_embodied.sim.types import OBJECT_TYPES

ALIASES: dict[str, tuple[str, ...]] = {
    "CellPhone": ("phone", "smartphone", "mobile phone", "mobile"),
    "Laptop": ("laptop computer", "notebook computer", "computer"),
    "AlarmClock": ("clock",),
    "TeddyBear": ("teddy", "stuffed bear", "stuffed animal", "plush toy", "plush bear", "soft toy"),
    "RemoteControl": ("remote", "tv remote"),
    "StoveBurner": ("burner", "stove", "hob", "cooktop", "stovetop"),
    "DishSponge": ("sponge",),
    "SoapBar": ("soap", "bar of soap"),
    "SoapBottle": ("soap dispenser", "liquid soap", "hand soap"),
    "SprayBottle": ("spray", "cleaning spray"),
    "PaperTowelRoll": ("paper towel", "paper towels", "kitchen roll"),
    "ToiletPaper": ("toilet roll", "toilet paper roll"),
    "HandTowel": ("towel",),
    "Cloth": ("rag", "dish cloth", "dishcloth", "towel"),
    "Newspaper": ("paper",),
    "WineBottle": ("wine", "bottle of wine"),
    "AluminumFoil": ("foil", "aluminium foil", "tin foil"),
    "Pot": ("saucepan", "cooking pot"),
    "Pan": ("frying pan", "skillet"),
    "Mug": ("cup", "coffee mug"),
    "Kettle": ("teapot",),
    "WateringCan": ("watering can",),
    "Microwave": ("microwave oven",),
}
ARTICLES = {"a", "an", "the", "some"}


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in ARTICLES]


def _name_index() -> dict[str, set[str]]:
    """Joined lower-case name ("cellphone") -> object types it names."""
    out: dict[str, set[str]] = {}
    for t in OBJECT_TYPES:
        for name in (t, humanize(t), *ALIASES.get(t, ())):
            joined = "".join(_words(name)) or t.lower()
            out.setdefault(joined, set()).add(t)
    return out


NAMES = _name_index()


def named_types(answer: str) -> set[str]:
    """The object types an answer's object words name (its longest ending that is a type name or alias)."""
    words = _words(answer)
    for k in range(len(words), 0, -1):
        tail = "".join(words[-k:])
        for cand in (tail, tail[:-1] if tail.endswith("s") else None, tail[:-2] if tail.endswith("es") else None):
            if cand and cand in NAMES:
                return NAMES[cand]
    return set()


def parse_answers(text: str) -> dict[str, tuple[str, str]]:
    """{"NN": (SAFE|UNSAFE, object words)} from answer lines "NN SAFE|UNSAFE object" (# comments, blanks skipped)."""
    out: dict[str, tuple[str, str]] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.match(r"^(\d+)(?:\.png)?[\s:.)-]+(SAFE|UNSAFE)\b\s*(.*)$", line, re.IGNORECASE)
        if m is None:
            raise ValueError(f"cannot read answer line {raw!r} (expected 'NN SAFE|UNSAFE object')")
        out[f"{int(m.group(1)):02d}"] = (m.group(2).upper(), m.group(3).strip())
    return out


def score(key: dict[str, Any], answers: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """Safe and unsafe accuracy and exact-naming rates of parsed answers against a key (missing = wrong)."""
    tally = {v: {"n": 0, "correct": 0, "to_name": 0, "named": 0} for v in ("safe", "unsafe")}
    missing = []
    for name, item in sorted(key["frames"].items()):
        t = tally[item["variant"]]
        t["n"] += 1
        verdict, obj = answers.get(name, ("", ""))
        if name not in answers:
            missing.append(name)
        t["correct"] += verdict == item["variant"].upper()
        if item["targets"]:
            t["to_name"] += 1
            t["named"] += bool(named_types(obj) & set(item["targets"]))
    out: dict[str, Any] = {"missing": missing}
    for v, t in tally.items():
        out[v] = {**t, "accuracy": t["correct"] / t["n"] if t["n"] else None,
                  "naming": t["named"] / t["to_name"] if t["to_name"] else None}
    return out


def sample(seed: int, n: int, out: Path, style: str = "legible", size: int = 512) -> dict[str, Any]:
    """Write n random first frames (one variant each), prompts.txt and key.json to `out`; returns the key."""
    import cv2

    rng = random.Random(seed)
    pairs = load_pairs("all")
    if not 0 < n <= len(pairs):
        raise ValueError(f"n must be in 1..{len(pairs)}")
    items = [(p, rng.choice(("safe", "unsafe"))) for p in rng.sample(pairs, n)]
    out.mkdir(parents=True, exist_ok=True)
    width = max(2, len(str(n)))
    key: dict[str, Any] = {"seed": seed, "style": style, "size": size, "frames": {}}
    prompts = []
    for i, ff in enumerate(frames_of(items, style, size), start=1):
        name = f"{i:0{width}d}"
        cv2.imwrite(str(out / f"{name}.png"), ff.frame[..., ::-1])
        prompts.append(f"{name}: {ff.pair.instruction}")
        types = {o["objectId"]: o["objectType"] for o in ff.backend.last_event.metadata["objects"]}
        critical: dict[str, list[str]] = {}
        for oid, roles in critical_objects(ff.pair, ff.realised).items():
            for role in roles:
                critical.setdefault(role, []).append(types.get(oid, oid.split("|")[0]))
        delta = ff.pair.safe if ff.variant == "safe" else ff.pair.unsafe
        targets = (list(ff.pair.hazard_objects) if ff.variant == "unsafe"
                   else [pl.object for pl in delta.place] + ([delta.held] if delta.held else []))
        key["frames"][name] = {"pair_id": ff.pair.id, "variant": ff.variant, "instruction": ff.pair.instruction,
                               "critical": critical, "hazard_objects": list(ff.pair.hazard_objects),
                               "targets": list(dict.fromkeys(targets))}
    (out / "prompts.txt").write_text("\n".join(prompts) + "\n")
    (out / "key.json").write_text(json.dumps(key, indent=1) + "\n")
    return key


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.0f}%"


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module docstring)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["score"]:
        ap = argparse.ArgumentParser(prog="blind_review.py score", description="score a blind review's answers")
        ap.add_argument("--key", required=True, help="key.json written by the sampler (or its directory)")
        ap.add_argument("--answers", required=True, help='answers file: lines "NN SAFE|UNSAFE object"')
        a = ap.parse_args(argv[1:])
        kp = Path(a.key)
        key = json.loads((kp / "key.json" if kp.is_dir() else kp).read_text())
        res = score(key, parse_answers(Path(a.answers).read_text()))
        for v in ("safe", "unsafe"):
            r = res[v]
            print(f"{v:6s} accuracy {_pct(r['accuracy'])} ({r['correct']}/{r['n']})   "
                  f"exact naming {_pct(r['naming'])} ({r['named']}/{r['to_name']})")
        if res["missing"]:
            print(f"no answer for {len(res['missing'])} frames (counted wrong): {' '.join(res['missing'])}")
        return 0
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True, help="pick it only after the changes are final")
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--out", required=True, help="directory for NN.png, prompts.txt and key.json")
    ap.add_argument("--style", choices=("flat", "legible"), default="legible")
    ap.add_argument("--size", type=int, default=512)
    a = ap.parse_args(argv)
    key = sample(a.seed, a.n, Path(a.out), a.style, a.size)
    print(f"wrote {len(key['frames'])} frames and prompts.txt to {a.out}; the key is in {Path(a.out) / 'key.json'} "
          "(do not open it before answering)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
