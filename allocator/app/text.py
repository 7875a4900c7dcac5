"""The what-if page's text in English and Finnish: controls, headings, verdicts.

The verdicts' words are the board pack's (allocator.reports.board_pack.text), so "proven
optimal" reads the same on the meeting-room screen as in the pack.
"""

from __future__ import annotations

from allocator.reports.board_pack.text import text as pack_text
from allocator.wording import phrase

#: Languages of the page, as the language switch names them.
LANGUAGES = {"en": "English", "fi": "Suomi"}

APP_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "window_title": "What-if: {title}",
        "heading": "What if …?",
        "controls": "Change a figure",
        "total_htv": "Person-years to allocate [HTV]",
        "shares": "Service lines' target shares [%]",
        "share_rest": "{line}: {share} % (the rest, so that the shares sum to 100 %)",
        "caseload": "Change in caseload per municipality [%]",
        "caseload_note": "Scales every caseload count of the municipality ({features}); rates "
                         "stay as they are.",
        "offices": "Offices and service points open",
        "central_key": "How the central services' costs are shared",
        "key_equal": "equal shares",
        "key_shares": "agreed shares",
        "reset": "Back to the base",
        "save_name": "Name of the what-if scenario",
        "save": "Save as a scenario file",
        "saved": "Saved {path}: it extends {parent} and gives this allocation "
                 "(allocate {path}).",
        "save_exists": "{path} already exists; choose another name.",
        "save_name_bad": "The name must start with a letter or digit and use only letters, "
                         "digits, '.', '_' and '-'.",
        "save_none": "Nothing to save: the what-if has no verified allocation.",
        "save_differs": "{path} did not read back as this what-if, so it was not kept.",
        "download": "Download the workbook (xlsx)",
        "table_title": "Allocation against the base [HTV] and what each municipality pays "
                       "[EUR/year]",
        "col_area": "Area / municipality",
        "col_base": "Base",
        "col_now": "What-if",
        "col_change": "Change",
        "col_base_eur": "Base EUR/year",
        "col_eur": "What-if EUR/year",
        "col_change_eur": "Change EUR/year",
        "row_area": "{area} (area)",
        "row_central": "Central services ({lead})",
        "row_total": "Total",
        "chart_title": "Change in customer-service person-years per municipality [HTV]",
        "offices_title": "Staff per office and service point [HTV, central services included]",
        "col_office": "Office",
        "chart_none": "No municipality's allocation changes.",
        "verdict_solver": "Solver",
        "verdict_verifier": "Verifier",
        "verdict_time": "re-solved in {seconds} s",
        "redrawn": "change to redrawn page: {seconds} s",
        "invalid": "The what-if is not a valid scenario ({n} problem{s}); nothing is solved:",
        "infeasible": "The rules cannot all hold; there is no allocation for this what-if:",
        "no_verified": "No verified allocation (status {status}).",
        "fix": "fix",
        "need_number": "{label}: give a number",
        "same_as": "The same allocation on the command line:",
        "nothing_changed": "(as the base: nothing changed)",
        "base_note": "Against the base: {title} ({file}).",
    },
    "fi": {
        "window_title": "Entä jos: {title}",
        "heading": "Entä jos …?",
        "controls": "Muuta lukua",
        "total_htv": "Jaettavat henkilötyövuodet [HTV]",
        "shares": "Palvelulinjojen tavoiteosuudet [%]",
        "share_rest": "{line}: {share} % (loput, jotta osuudet ovat yhteensä 100 %)",
        "caseload": "Asiakasmäärien muutos kunnittain [%]",
        "caseload_note": "Muuttaa kunnan kaikkia asiakasmääriä ({features}); osuudet "
                         "pysyvät ennallaan.",
        "offices": "Avoinna olevat toimipisteet ja palvelupisteet",
        "central_key": "Keskitettyjen palvelujen kustannusten jakoperuste",
        "key_equal": "tasan",
        "key_shares": "sovitut osuudet",
        "reset": "Takaisin perusskenaarioon",
        "save_name": "Skenaarion nimi",
        "save": "Tallenna skenaariotiedostoksi",
        "saved": "Tallennettu {path}: se laajentaa tiedostoa {parent} ja antaa tämän jaon "
                 "(allocate {path}).",
        "save_exists": "{path} on jo olemassa; valitse toinen nimi.",
        "save_name_bad": "Nimen on alettava kirjaimella tai numerolla, ja siinä voi olla vain "
                         "kirjaimia, numeroita sekä merkit '.', '_' ja '-'.",
        "save_none": "Ei tallennettavaa: tällä oletuksella ei ole tarkistettua jakoa.",
        "save_differs": "{path} ei lukeutunut takaisin tänä oletuksena, joten sitä ei säilytetty.",
        "download": "Lataa työkirja (xlsx)",
        "table_title": "Jako perusskenaarioon verrattuna [HTV] ja kuntien maksuosuudet "
                       "[EUR/vuosi]",
        "col_area": "Vastuualue / kunta",
        "col_base": "Perus",
        "col_now": "Entä jos",
        "col_change": "Muutos",
        "col_base_eur": "Perus EUR/v",
        "col_eur": "Entä jos EUR/v",
        "col_change_eur": "Muutos EUR/v",
        "row_area": "{area} (vastuualue)",
        "row_central": "Keskitetyt palvelut ({lead})",
        "row_total": "Yhteensä",
        "chart_title": "Asiakaspalvelun henkilötyövuosien muutos kunnittain [HTV]",
        "offices_title": "Henkilöstö toimipisteittäin ja palvelupisteittäin [HTV, keskitetyt "
                         "palvelut mukana]",
        "col_office": "Toimipiste",
        "chart_none": "Minkään kunnan jako ei muutu.",
        "verdict_solver": "Ratkaisija",
        "verdict_verifier": "Tarkistus",
        "verdict_time": "ratkaistu uudelleen {seconds} s:ssa",
        "redrawn": "muutoksesta päivitettyyn sivuun: {seconds} s",
        "invalid": "Oletus ei ole kelvollinen skenaario (virheitä: {n}); mitään ei ratkaistu:",
        "infeasible": "Säännöt eivät voi olla voimassa yhtä aikaa; tälle oletukselle ei ole "
                      "jakoa:",
        "no_verified": "Ei tarkistettua jakoa (tila {status}).",
        "fix": "korjaus",
        "need_number": "{label}: anna luku",
        "same_as": "Sama jako komentoriviltä:",
        "nothing_changed": "(kuten perusskenaario: ei muutoksia)",
        "base_note": "Verrattuna perusskenaarioon: {title} ({file}).",
    },
}


def text(key: str, lang: str = "en", **values: object) -> str:
    """The page's text ``key`` in ``lang``, with ``values`` filled in; a key the page does
    not define is the board pack's (its verdicts)."""
    return phrase(APP_TEXT, key, lang, values, pack_text)
