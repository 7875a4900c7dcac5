"""What the terminal and the workbook say, in English and Finnish.

Keys are stable; every key is in both languages (a test checks it). Names from the
scenario (offices, lines, central services) come from the scenario's own labels.
"""

from __future__ import annotations

from allocator.wording import phrase

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "scenario_line": "  (scenario '{name}', total {total} HTV)",
        "alloc_title": "Allocation [HTV] by responsibility area, office and municipality served",
        "served": "Municipality served",
        "area_office": "{area} area: {office}",
        "area": "{area} area",
        "area_total": "{area} area total",
        "all_areas": "All areas (customer service + central)",
        "central": "Central: {label}",
        "total": "Total",
        "legend": "Columns: {names}.",
        "basis_feature": "{persons} {feature} / {per} per HTV",
        "basis_fixed": "fixed size",
        "basis_assumed": "assumed size",
        "lines_title": "Service lines: share of customer service against target",
        "col_line": "Service line",
        "col_htv": "HTV",
        "col_share": "Share",
        "col_target": "Target",
        "col_allowed": "Allowed\n[HTV]",
        "target_band": "{share} ± {tol} pp",
        "caseload_title": "Caseload per area: unemployed jobseekers per customer-service HTV",
        "col_area": "Area",
        "col_unemployed": "Unemployed",
        "col_customer_htv": "Customer\nHTV",
        "col_per_htv": "Unemployed\n/ HTV",
        "col_target_htv": "Target\nHTV",
        "col_difference": "Difference",
        "total_row": "Total",
        "targets_title": "Caseload-proportional targets by area and service line [HTV]: "
                         "target → allocated (difference; an area's difference is the sum of "
                         "its municipalities')",
        "moves_title": "Moves from today's staffing per office [HTV]{note}",
        "moves_note": " (today's staffing is illustrative)",
        "col_office": "Office",
        "col_today": "Today",
        "col_allocated": "Allocated",
        "col_change": "Change",
        "moves_caption": "HTV moved: {moved} (half the sum of changes{by_line}); price per HTV "
                         "moved {weight}{cap}",
        "moves_by_line": ", by line where known",
        "moves_cap": "; cap {cap} per office",
        "costs_title": "What it costs each municipality [EUR/year]",
        "col_municipality": "Municipality",
        "col_customer_service": "Customer\nservice",
        "col_offices": "Offices",
        "col_central": "Central",
        "all_municipalities": "Total",
        "costs_caption": "One HTV costs {htv_eur} EUR/year. Customer service is paid by the "
                         "municipality served; offices by {offices}; the central services "
                         "({central} HTV) are shared by {key}. Rounded to the cent so that the "
                         "rows add up.",
        "offices_served": "the municipalities each office serves, by its customer service for "
                          "each",
        "offices_located": "the municipality each office is in",
        "keys_title": "Which key? Central services' share and cost [EUR/year] per municipality "
                      "under each key",
        "key_used": "{key} (used)",
        "keys_caption": "By use: each central service sized by a caseload feature is shared by "
                        "that feature, the others by the key used.",
        "reference_title": "Caseload-based split against the reference '{label}' ({weights}) "
                           "[EUR/year, HTV]",
        "col_caseload_eur": "Caseload\nEUR",
        "col_reference_eur": "Reference\nEUR",
        "col_difference_eur": "Difference\nEUR",
        "col_caseload_htv": "Caseload\nHTV",
        "col_reference_htv": "Reference\nHTV",
        "col_difference_htv": "Difference\nHTV",
        "reference_caption": "Caseload HTV: customer service given to the municipality plus its "
                             "key share of the central services. Reference: the same budget "
                             "split by the weighted shares of the criteria (an assumption; see "
                             "the scenario).",
        "assumptions_title": "Assumptions: values that are modelling choices, not figures of "
                             "the source",
        "col_field": "Field",
        "col_value": "Value as used",
        "assumptions_caption": "Why each was chosen: the 'assumed:' beside it in the scenario, "
                               "summary.json and the workbook's assumptions sheet.",
        "solver_optimal": "Solver: proven optimal",
        "solver_feasible": "Solver: feasible, not proven optimal ({why})",
        "time_limit": "time limit",
        "solver_status": "Solver: {status}",
        "stage_max": "largest deviation of one municipality × line cell",
        "stage_total": "total deviation",
        "stage_value": " · {what} {value} HTV{gap}",
        "stage_bound": ", stage bound {bound}",
        "timing": " · solve {solve} s, build {build} s",
        "verifier_none": "Verifier: not run (no allocation)",
        "verifier_passed": "Verifier: passed",
        "verifier_detail": " — every rule re-checked independently; objective recomputed: "
                           "largest deviation {max} HTV, total {total} HTV",
        "verifier_failed": "Verifier: FAILED ({n} violations)",
        "end_to_end": "End to end: {seconds} s",
        "ties_unchecked": "Ties: not checked (large model, or not decided within the time "
                          "limit).",
        "ties_none": "Ties: none — no other allocation is as good at the municipality × line "
                     "level.",
        "tie_broken": "Tie broken: {what}.",
        "infeasible": "The rules cannot all hold.",
        "fix": "fix",
        "no_core": "the solver proved infeasibility but could not isolate the rules in time",
        "why_title": "Why each area got its share [HTV]: target → rounding → rules → final "
                     "(rule columns shown where they change something)",
        "col_rounding": "Rounding",
        "col_final": "Final",
        "cells_intro": "Every municipality × line, in the allocation's order: caseload × "
                       "weights → demand share → target → rounding → rule adjustments → final "
                       "[HTV]",
        "cell_area": "  ({area} area)",
        "cell_input": "{feature} {value} of {total} persons × {weight}",
        "cell_share": " → demand share {share} of the line's {line_htv} HTV",
        "cell_target": "target {target} → rounded {rounded}",
        "cell_final": " → final {final}",
        "rules_title": "Rules at the optimum: tight = no room left; binds = relaxing it alone "
                       "would bring the allocation closer to the targets (re-solved)",
        "col_rule": "Rule",
        "col_tight": "Tight",
        "col_binds": "Binds",
        "col_cost_max": "Cost:\nlargest dev.",
        "col_cost_total": "Cost:\ntotal dev.",
        "yes": "yes",
        "no": "no",
        "no_binding": "No rule binds: every municipality × line is its exact quota rounded to "
                      "the granularity.",
        "binding": "Binding: {rules}",
        "step_line_share": "Line shares",
        "step_office_min": "Office minimums",
        "step_office_max": "Office maximums",
        "step_office_per_area": "Office per area",
        "step_continuity": "Continuity",
        "step_central_at_lead": "Central at lead",
        "step_serves_own_area": "Own area",
        "step_budget": "Budget",
        "step_tie_break": "Tie-break",
        "wrote": "Wrote {files}",
    },
    "fi": {
        "scenario_line": "  (skenaario '{name}', yhteensä {total} HTV)",
        "alloc_title": "Jako [HTV] vastuualueittain, toimipisteittäin ja palveltavan kunnan "
                       "mukaan",
        "served": "Palveltava kunta",
        "area_office": "Vastuualue {area}: {office}",
        "area": "Vastuualue {area}",
        "area_total": "Vastuualue {area} yhteensä",
        "all_areas": "Kaikki alueet (asiakaspalvelu + keskitetyt)",
        "central": "Keskitetty: {label}",
        "total": "Yhteensä",
        "legend": "Sarakkeet: {names}.",
        "basis_feature": "{feature} {persons}, {per} henkilöä HTV:ta kohden",
        "basis_fixed": "kiinteä koko",
        "basis_assumed": "oletettu koko",
        "lines_title": "Palvelulinjat: osuus asiakaspalvelusta tavoitteeseen verrattuna",
        "col_line": "Palvelulinja",
        "col_htv": "HTV",
        "col_share": "Osuus",
        "col_target": "Tavoite",
        "col_allowed": "Sallittu\n[HTV]",
        "target_band": "{share} ± {tol} %-yks.",
        "caseload_title": "Asiakasmäärä alueittain: työttömiä työnhakijoita asiakaspalvelun "
                          "HTV:ta kohden",
        "col_area": "Vastuualue",
        "col_unemployed": "Työttömät",
        "col_customer_htv": "Asiakas-\npalvelun HTV",
        "col_per_htv": "Työttömiä\n/ HTV",
        "col_target_htv": "Tavoite\nHTV",
        "col_difference": "Erotus",
        "total_row": "Yhteensä",
        "targets_title": "Asiakasmäärän mukaiset tavoitteet alueittain ja palvelulinjoittain "
                         "[HTV]: tavoite → jaettu (erotus; alueen erotus on sen kuntien "
                         "erotusten summa)",
        "moves_title": "Siirrot nykyisestä henkilöstöstä toimipisteittäin [HTV]{note}",
        "moves_note": " (nykyinen henkilöstö on havainnollistava)",
        "col_office": "Toimipiste",
        "col_today": "Nyt",
        "col_allocated": "Jaettu",
        "col_change": "Muutos",
        "moves_caption": "Siirtyviä HTV:ita: {moved} (puolet muutosten summasta{by_line}); "
                         "siirretyn HTV:n hinta {weight}{cap}",
        "moves_by_line": ", palvelulinjoittain missä tiedossa",
        "moves_cap": "; enintään {cap} toimipistettä kohden",
        "costs_title": "Kustannukset kunnittain [euroa/vuosi]",
        "col_municipality": "Kunta",
        "col_customer_service": "Asiakas-\npalvelu",
        "col_offices": "Toimi-\npisteet",
        "col_central": "Keski-\ntetyt",
        "all_municipalities": "Kaikki",
        "costs_caption": "Yksi HTV maksaa {htv_eur} euroa vuodessa. Asiakaspalvelun maksaa "
                         "palveltava kunta; toimipisteet maksaa {offices}; keskitetyt palvelut "
                         "({central} HTV) jaetaan jakoperusteella {key}. Pyöristetty senteiksi "
                         "niin, että rivit täsmäävät.",
        "offices_served": "kukin toimipisteen palvelema kunta sille annetun asiakaspalvelun "
                          "mukaan",
        "offices_located": "kunta, jossa toimipiste on",
        "keys_title": "Mikä jakoperuste? Kuntien osuus ja kustannus keskitetyistä palveluista "
                      "[euroa/vuosi] eri jakoperusteilla",
        "key_used": "{key} (käytössä)",
        "keys_caption": "Käytön mukaan: asiakasmäärän mukaan mitoitettu keskitetty palvelu "
                        "jaetaan sen asiakasmäärän mukaan, muut käytössä olevalla "
                        "jakoperusteella.",
        "reference_title": "Asiakasmäärään perustuva jako verrattuna vertailuun '{label}' "
                           "({weights}) [euroa/vuosi, HTV]",
        "col_caseload_eur": "Asiakasm.\neuroa",
        "col_reference_eur": "Vertailu\neuroa",
        "col_difference_eur": "Erotus\neuroa",
        "col_caseload_htv": "Asiakasm.\nHTV",
        "col_reference_htv": "Vertailu\nHTV",
        "col_difference_htv": "Erotus\nHTV",
        "reference_caption": "Asiakasmäärän mukainen HTV: kunnalle annettu asiakaspalvelu ja sen "
                             "jakoperusteen mukainen osuus keskitetyistä palveluista. Vertailu: "
                             "sama budjetti jaettuna perusteiden painotetuilla osuuksilla "
                             "(oletus; katso skenaario).",
        "assumptions_title": "Oletukset: mallinnusvalintoja, eivät lähteen lukuja",
        "col_field": "Kenttä",
        "col_value": "Käytetty arvo",
        "assumptions_caption": "Perustelut: 'assumed:' kentän vieressä skenaariossa, "
                               "summary.json ja työkirjan oletukset-välilehti.",
        "solver_optimal": "Ratkaisija: todistetusti optimaalinen",
        "solver_feasible": "Ratkaisija: käypä, optimaalisuutta ei todistettu ({why})",
        "time_limit": "aikaraja",
        "solver_status": "Ratkaisija: {status}",
        "stage_max": "suurin yksittäisen kunta × linja -solun poikkeama",
        "stage_total": "poikkeamat yhteensä",
        "stage_value": " · {what} {value} HTV{gap}",
        "stage_bound": ", vaiheen raja {bound}",
        "timing": " · ratkaisu {solve} s, mallin rakennus {build} s",
        "verifier_none": "Tarkistus: ei tehty (ei jakoa)",
        "verifier_passed": "Tarkistus: hyväksytty",
        "verifier_detail": " — jokainen sääntö tarkistettu erikseen; tavoitefunktio laskettu "
                           "uudelleen: suurin poikkeama {max} HTV, yhteensä {total} HTV",
        "verifier_failed": "Tarkistus: HYLÄTTY ({n} rikkomusta)",
        "end_to_end": "Kaikkiaan: {seconds} s",
        "ties_unchecked": "Tasapelit: ei tarkistettu (suuri malli tai ei ratkennut aikarajassa).",
        "ties_none": "Tasapelit: ei yhtään — mikään muu jako ei ole yhtä hyvä kunta × "
                     "palvelulinja -tasolla.",
        "tie_broken": "Tasapeli ratkaistu: {what}.",
        "infeasible": "Säännöt eivät voi olla voimassa yhtä aikaa.",
        "fix": "korjaus",
        "no_core": "ratkaisija osoitti, ettei ratkaisua ole, mutta ei ehtinyt eristää sääntöjä",
        "why_title": "Miksi kukin alue sai osuutensa [HTV]: tavoite → pyöristys → säännöt → "
                     "lopullinen (sääntösarakkeet, joissa jokin muuttuu)",
        "col_rounding": "Pyöristys",
        "col_final": "Lopullinen",
        "cells_intro": "Jokainen kunta × palvelulinja jaon järjestyksessä: asiakasmäärä × "
                       "painot → kysyntäosuus → tavoite → pyöristys → sääntöjen muutokset → "
                       "lopullinen [HTV]",
        "cell_area": "  (vastuualue {area})",
        "cell_input": "{feature} {value} / {total} henkilöä × {weight}",
        "cell_share": " → kysyntäosuus {share} palvelulinjan {line_htv} HTV:sta",
        "cell_target": "tavoite {target} → pyöristetty {rounded}",
        "cell_final": " → lopullinen {final}",
        "rules_title": "Säännöt optimissa: tiukka = ei liikkumavaraa; sitoo = säännön "
                       "höllentäminen yksin toisi jaon lähemmäs tavoitteita (ratkaistu uudelleen)",
        "col_rule": "Sääntö",
        "col_tight": "Tiukka",
        "col_binds": "Sitoo",
        "col_cost_max": "Hinta:\nsuurin poikk.",
        "col_cost_total": "Hinta:\npoikk. yht.",
        "yes": "kyllä",
        "no": "ei",
        "no_binding": "Mikään sääntö ei sido: jokainen kunta × palvelulinja on tarkka osuutensa "
                      "pyöristettynä.",
        "binding": "Sitovat: {rules}",
        "step_line_share": "Linjaosuudet",
        "step_office_min": "Vähimmäismiehitys",
        "step_office_max": "Enimmäismiehitys",
        "step_office_per_area": "Toimipiste alueella",
        "step_continuity": "Jatkuvuus",
        "step_central_at_lead": "Keskitetyt vastuukunnassa",
        "step_serves_own_area": "Oma alue",
        "step_budget": "Budjetti",
        "step_tie_break": "Tasapelin ratkaisu",
        "wrote": "Kirjoitettiin {files}",
    },
}


def say(text_key: str, lang: str = "en", **values: object) -> str:
    """The text ``text_key`` in ``lang`` ('en' or 'fi'), with ``values`` filled in."""
    return phrase(TEXT, text_key, lang, values)


def step_name(step: str, lang: str = "en") -> str:
    """A waterfall step (a rule's name, or tie_break) in words."""
    key = f"step_{step}"
    return say(key, lang) if key in TEXT["en"] else step.replace("_", " ")
