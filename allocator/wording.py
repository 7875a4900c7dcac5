"""Looking a text up in a catalogue of English and Finnish texts.

The charts, the terminal, the board pack and the what-if page each keep their own
catalogue (``{lang: {key: text}}``); they all look texts up the same way, here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

Catalogue = Mapping[str, Mapping[str, str]]


def phrase(catalogue: Catalogue, key: str, lang: str, values: Mapping[str, object],
           otherwise: Callable[..., str] | None = None) -> str:
    """The text ``key`` in ``lang`` with ``values`` filled in, the English one where the
    language lacks it; a key the catalogue does not define goes to ``otherwise`` (another
    catalogue's lookup), or is a KeyError."""
    english = catalogue["en"]
    if key not in english and otherwise is not None:
        return otherwise(key, lang, **values)
    return catalogue.get(lang, english).get(key, english[key]).format(**values)
