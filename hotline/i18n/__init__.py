"""Languages, translations and command words."""
from .translator import N_, NP_, Translator

__all__ = ["N_", "NP_", "Translator"]
