"""Print how often first texts are read in the right language, per language, and what it costs.

Usage: python bench/detect_accuracy.py [CONFIG ...]     (default: every configuration below)
Each configuration runs in a fresh process so its RSS is its own. "hotline" is the detector the
hotline ships; the others swap lingua's detector inside it to compare lingua's settings.
A text counts as right when the guess is its language, unsure when there is no guess (the
hotline then shows its menu of languages), wrong otherwise (the resident is answered in another
language).
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "first_texts.tsv"
SHIPPED = ("en", "es", "fr", "ht", "ko", "ar", "ru", "tl", "vi", "zh")
LINGUA_SHIPPED = ("ENGLISH", "SPANISH", "FRENCH", "KOREAN", "ARABIC", "RUSSIAN", "TAGALOG", "VIETNAMESE", "CHINESE")
CONFIGS = {
    "hotline": "the hotline's detector as it is",
    "high": "lingua, 9 shipped languages, high accuracy (lazy)",
    "high-preloaded": "lingua, 9 shipped languages, high accuracy, preloaded",
    "low-preloaded": "lingua, 9 shipped languages, low accuracy, preloaded",
    "high-preloaded-distance": "high accuracy, preloaded, minimum relative distance 0.25",
    "low-preloaded-distance": "low accuracy, preloaded, minimum relative distance 0.25",
    "all-high-preloaded": "lingua, all 75 languages, high accuracy, preloaded",
}


def first_texts() -> list[tuple[str, str]]:
    rows = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, text = line.split("\t", 1)
            rows.append((code, text))
    return rows


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def builder(config: str):
    from lingua import Language, LanguageDetectorBuilder

    if config.startswith("all-"):
        b = LanguageDetectorBuilder.from_all_languages()
    else:
        b = LanguageDetectorBuilder.from_languages(*(getattr(Language, n) for n in LINGUA_SHIPPED))
    if "preloaded" in config:
        b = b.with_preloaded_language_models()
    if config.startswith("low"):
        b = b.with_low_accuracy_mode()
    if config.endswith("distance"):
        b = b.with_minimum_relative_distance(0.25)
    return b.build()


def measure(config: str) -> dict:
    """Run the labelled set through one configuration, in this process."""
    from hotline.i18n import detect as module

    before = rss_mb()
    started = time.perf_counter()
    if config != "hotline":
        detector = builder(config)
        module._detector = lambda: detector
    if hasattr(module, "load"):
        module.load()
    elif config == "hotline":
        module._detector()
    load_s = time.perf_counter() - started
    rows = first_texts()
    enabled = set(SHIPPED)
    outcomes: dict[str, Counter] = {code: Counter() for code in SHIPPED}
    wrong = []
    started = time.perf_counter()
    for code, text in rows:
        guess = module.detect(text, enabled)
        kind = "right" if guess == code else "unsure" if guess is None else "wrong"
        outcomes[code][kind] += 1
        if kind == "wrong":
            wrong.append(f"{code}->{guess}: {text}")
    per_text_ms = (time.perf_counter() - started) * 1000 / len(rows)
    return {"config": config, "rss_import_mb": before, "rss_mb": rss_mb(), "load_s": load_s,
            "per_text_ms": per_text_ms, "outcomes": {c: dict(o) for c, o in outcomes.items()}, "wrong": wrong}


def table(result: dict) -> str:
    lines = [f"{result['config']}: {CONFIGS[result['config']]}",
             f"  RSS {result['rss_mb']:.0f} MB ({result['rss_mb'] - result['rss_import_mb']:.0f} MB more than once imported), "
             f"load {result['load_s'] * 1000:.0f} ms, {result['per_text_ms']:.2f} ms per text",
             "  lang  texts  right  unsure  wrong  accuracy"]
    total = Counter()
    for code, o in result["outcomes"].items():
        n = sum(o.values())
        total.update(o)
        lines.append(f"  {code:4}  {n:5}  {o.get('right', 0):5}  {o.get('unsure', 0):6}  {o.get('wrong', 0):5}"
                     f"  {o.get('right', 0) / n:8.0%}")
    n = sum(total.values())
    lines.append(f"  all   {n:5}  {total['right']:5}  {total['unsure']:6}  {total['wrong']:5}  {total['right'] / n:8.0%}")
    lines += [f"  wrong: {w}" for w in result["wrong"]]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(measure(argv[1])))
        return
    for config in argv or list(CONFIGS):
        out = subprocess.run([sys.executable, __file__, "--one", config], capture_output=True, text=True, check=True)
        print(table(json.loads(out.stdout.strip().splitlines()[-1])), flush=True)
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
