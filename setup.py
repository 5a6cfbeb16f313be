"""Build step: compile the translators' catalogs into the package (the rest is in pyproject.toml).

`locales/` stays where translators work on .po files; a wheel carries `hotline/locales/` with the
compiled .mo of every language and domain, and any recorded sentences, so an installed hotline
speaks every language without the checkout. A checkout (an editable install) reads the .po files.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def _compiler():
    # By its path: importing the hotline package would need its dependencies, which a build has not.
    spec = importlib.util.spec_from_file_location("_hotline_compiled", ROOT / "hotline" / "i18n" / "compiled.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildWithCatalogs(build_py):
    """build_py, then the compiled catalogs into the built package."""

    def run(self) -> None:
        super().run()
        # An editable install reads the .po files in the checkout: nothing to compile.
        if not self.editable_mode:
            target = Path(self.build_lib) / "hotline" / "locales"
            self._catalogs = [str(p) for p in _compiler().compile_tree(ROOT / "locales", target)]

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return super().get_outputs(include_bytecode) + getattr(self, "_catalogs", [])


setup(cmdclass={"build_py": BuildWithCatalogs})
