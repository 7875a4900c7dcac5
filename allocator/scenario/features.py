"""Caseload features in words: 'foreign nationals', not ``foreign_nationals``.

Reports name a feature by the scenario's own label for a derived feature, else by this
table of the features the plan's tables and Statistics Finland's 12r5 use, else by its
identifier with spaces. The words only change what people read; files keep identifiers.
"""

from __future__ import annotations

from allocator.scenario.schema import EQUAL_KEY, SHARES_KEY, Scenario

#: The sharing keys of the central services that are not caseload features, by language
#: ("use" is allocator.engine.costs.USE_KEY: each service shared by its own feature).
KEY_NAMES: dict[str, dict[str, str]] = {
    "en": {EQUAL_KEY: "equal shares", SHARES_KEY: "agreed shares", "use": "by use"},
    "fi": {EQUAL_KEY: "tasaosuudet", SHARES_KEY: "sovitut osuudet", "use": "käytön mukaan"},
}

#: The common caseload features by language (counts of persons unless said otherwise),
#: with the plan's derived long-unemployment inflow.
FEATURE_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "labour_force": "labour force",
        "unemployed": "unemployed jobseekers",
        "men": "men",
        "women": "women",
        "under_25": "under 25",
        "under_30": "under 30",
        "over_50": "over 50",
        "structurally_unemployed": "structurally unemployed",
        "long_term_unemployed": "long-term unemployed",
        "partially_able": "partially able to work",
        "foreign_nationals": "foreign nationals",
        "population": "population",
        "inflow_over_3m_share": "share of inflow unemployed over 3 months",
        "long_unemployment_inflow": "inflow into long unemployment",
    },
    "fi": {
        "labour_force": "työvoima",
        "unemployed": "työttömät työnhakijat",
        "men": "miehet",
        "women": "naiset",
        "under_25": "alle 25-vuotiaat",
        "under_30": "alle 30-vuotiaat",
        "over_50": "yli 50-vuotiaat",
        "structurally_unemployed": "rakennetyöttömät",
        "long_term_unemployed": "pitkäaikaistyöttömät",
        "partially_able": "osatyökykyiset",
        "foreign_nationals": "ulkomaalaiset",
        "population": "väestö",
        "inflow_over_3m_share": "yli 3 kk:n työttömyyteen jääneiden osuus",
        "long_unemployment_inflow": "virta pitkään työttömyyteen",
    },
}


def feature_name(scenario: Scenario | None, feature: str, lang: str = "en") -> str:
    """The caseload ``feature`` in words in ``lang`` ('en' or 'fi')."""
    derived = scenario.derived_features.get(feature) if scenario is not None else None
    if derived is not None:
        label = (derived.label_fi if lang == "fi" else None) or derived.label
        if label:
            return label
    known = FEATURE_NAMES.get(lang, {}).get(feature) or FEATURE_NAMES["en"].get(feature)
    return known or feature.replace("_", " ")


def key_name(scenario: Scenario | None, key: str, lang: str = "en") -> str:
    """A sharing key of the central services in words in ``lang``: 'equal shares', or the
    caseload feature's name."""
    special = KEY_NAMES.get(lang, {}).get(key) or KEY_NAMES["en"].get(key)
    return special or feature_name(scenario, key, lang)
