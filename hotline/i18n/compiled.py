"""Compile the translators' .po catalogs into the .mo files an installed hotline reads.

The build runs this too (setup.py loads it by its path, before the hotline's own dependencies are
installed), so it imports nothing but babel and the standard library.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

RECORDINGS = (".mp3", ".wav")
# The list of recordings made by a speech synthesizer (placeholders): shipped with them.
MANIFESTS = ("synthesized.tsv",)


def compile_tree(source: Path, target: Path) -> list[Path]:
    """Write each `<ll>/LC_MESSAGES/<domain>.po` under `source` as a .mo at the same place under
    `target`, with each language's recorded sentences (`<ll>/audio/`); return the files written."""
    source, target = Path(source), Path(target)
    written = []
    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as fp:
            catalog = read_po(fp, locale=po.parent.parent.name)
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as fp:
            # As the hotline compiles a checkout's .po in memory: a fuzzy guess is never shown.
            write_mo(fp, catalog, use_fuzzy=False)
        written.append(mo)
    if target.resolve() != source.resolve():
        for recording in sorted(source.glob("*/audio/*")):
            if recording.suffix in RECORDINGS or recording.name in MANIFESTS:
                copy = target / recording.relative_to(source)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(recording, copy)
                written.append(copy)
    return written
