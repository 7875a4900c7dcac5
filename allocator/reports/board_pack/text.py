"""The board pack's text in English and Finnish: headings, sentences, table headers, captions.

The pack's sentences live apart from the charts' (allocator.charts.text) because only the
pack uses them; :func:`text` looks a key up here first and then among the chart texts, so
a title the pack shares with a chart ("allocation_title", "all_areas") reads the same in
both.
"""

from __future__ import annotations

from allocator.charts.text import text as chart_text
from allocator.scenario import features
from allocator.wording import phrase

#: The pack's text by language (the languages of allocator.analysis.board.LANGUAGES). Keys
#: are stable; add a key to both languages.
PACK_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "pack_kicker": "Board pack · staff allocation by caseload",
        "pack_title": "{title}",
        "pack_subtitle": "{total} person-years (HTV) · {n} scenarios · generated {when}",
        "pack_contents": "Contents",
        "pack_status_ok": "Every scenario has an allocation, and an independent check passed "
                          "each one.",
        "pack_status_bad": "{n} of {total} scenarios have no verified allocation: {names}. "
                           "The scenario comparison says why.",
        "pack_solver": "Solver",
        "pack_verifier": "Verifier",
        "pack_proof_OPTIMAL": "proven optimal",
        "pack_proof_flow": "optimal (network-flow certificate)",
        "pack_proof_FEASIBLE": "feasible, not proven optimal (time limit or an unfinished exact check)",
        "pack_proof_INFEASIBLE": "no allocation: the rules cannot all hold",
        "pack_proof_INVALID": "invalid scenario",
        "pack_proof_UNKNOWN": "no allocation within the time limit",
        "pack_verified_yes": "passed: every rule re-checked independently of the solver",
        "pack_verified_no": "FAILED",
        "pack_passed": "passed",
        "pack_verified_none": "not run (no allocation)",
        "pack_yes": "yes",
        "pack_no": "no",
        "pack_fix": "fix",
        "pack_s1": "The recommended allocation",
        "pack_s1_none": "The base scenario has no allocation, so there is nothing to "
                        "recommend yet. The rules that conflict, and what would resolve them:",
        "pack_by_area_title": "Person-years by responsibility area and service line [HTV]",
        "pack_ratio_title": "Caseload per area: unemployed jobseekers per customer-service HTV, "
                            "and the caseload-proportional target [HTV]",
        "pack_col_difference": "Allocated − target",
        "pack_detail_title": "Offices and the municipalities they serve [HTV]",
        "pack_moves_title": "Moves from today's customer-service staffing per office [HTV]",
        "pack_col_today": "Today",
        "pack_col_change": "Change",
        "pack_moves_note": "HTV moved: {moved} (half the sum of the changes); price per HTV "
                           "moved {weight}; largest change allowed per office {cap} HTV.",
        "pack_moves_illustrative": "Today's staffing in this scenario is illustrative.",
        "pack_central_title": "Centralised services at the lead municipality [HTV]",
        "pack_col_area": "Responsibility area",
        "pack_col_customer": "Customer service",
        "pack_col_central": "Central services",
        "pack_col_total": "Total",
        "pack_col_target": "Caseload target",
        "pack_col_unemployed": "Unemployed",
        "pack_col_ratio": "Unemployed per HTV",
        "pack_col_office": "Office",
        "pack_col_municipality": "Municipality served",
        "pack_col_service": "Service",
        "pack_col_basis": "Size set by",
        "pack_fixed": "a fixed size",
        "pack_assumed_size": "an assumed size (see the assumptions)",
        "pack_assumed": "assumed",
        "pack_assumptions_title": "Assumptions: values that are modelling choices",
        "pack_assumptions_note": "These values are not figures of the plan or the statistics; "
                                 "each is a choice the board may change.",
        "pack_col_assumed": "What",
        "pack_col_reason": "Why it was chosen",
        "pack_assumed_tolerance": "share tolerance",
        "pack_assumed_demand": "demand weights",
        "pack_assumed_share": "share",
        "pack_assumed_central": "size",
        "pack_col_htv": "HTV",
        "pack_cap_allocation": "Each area's person-years stacked by service line; the black "
                               "tick is the area's caseload-proportional target.",
        "pack_s2": "How the allocation was decided",
        "pack_s2_intro": "The split follows one written fairness definition, applied the same "
                         "way to every scenario: each municipality and service line gets as "
                         "close to its caseload-proportional share as the rules allow.",
        "pack_fair_title": "The fairness definition",
        "pack_fair_budget": "Customer-service budget: {total} HTV minus {central} HTV of "
                            "centralised services leaves {customer} HTV.",
        "pack_fair_lines": "Service lines: {shares} of customer service.",
        "pack_fair_targets": "Targets: each line's person-years are split over the "
                             "municipalities in proportion to the caseload figures that line "
                             "weighs (table below); nothing is rounded before the model.",
        "pack_fair_rules": "Rules that always hold: the budget adds up exactly; every office "
                           "has at least its minimum staff; every responsibility area keeps a "
                           "staffed office; the centralised services sit at the lead "
                           "municipality; each service line stays within its share.",
        "pack_fair_objective": "Among the allocations that obey the rules, the chosen one has "
                               "(1) the smallest largest deviation of any municipality and line "
                               "from its target, then (2) the smallest total deviation, then "
                               "(3) deviations spread in proportion to the targets; (4) a fixed "
                               "tie-break makes the same input always give the same allocation. "
                               "Deviations are in HTV: a person-year counts the same in every "
                               "municipality.",
        "pack_fair_result": "In the base allocation the largest deviation of a municipality "
                            "and line from its target is {max} HTV, and the deviations add up "
                            "to {total} HTV.",
        "pack_line_share": "{line} {share} % ± {tol} pp",
        "pack_weights_title": "What each service line's target weighs",
        "pack_col_line": "Service line",
        "pack_col_share": "Share",
        "pack_col_weights": "Caseload figures and their weights",
        "pack_why_title": "Why each area got its share [HTV]",
        "pack_why_intro": "From the exact caseload target, through rounding to {g} HTV, to the "
                          "final value, with a column for each rule that changes something.",
        "pack_col_target_exact": "Target",
        "pack_col_rounding": "Rounding",
        "pack_col_final": "Final",
        "pack_rules_title": "The rules at the optimum",
        "pack_rules_note": "Tight: no room left at the optimum. Binds: relaxing that rule alone "
                           "and solving again brings the allocation closer to the targets; "
                           "the costs say by how much [HTV].",
        "pack_no_binding": "No rule binds: every municipality and service line gets its exact "
                           "caseload quota rounded to {g} HTV, and relaxing any single rule "
                           "would not bring the allocation closer to the targets.",
        "pack_binding_one": "One rule binds: relaxing it would bring the allocation closer to "
                            "the caseload targets. {rule} adds {cost_max} HTV to the largest "
                            "deviation and {cost_total} HTV to the total.",
        "pack_binding": "{n} rules bind: relaxing any one of them alone would bring the "
                        "allocation closer to the caseload targets. The most costly, {rule}, "
                        "adds {cost_max} HTV to the largest deviation and {cost_total} HTV to "
                        "the total.",
        "pack_col_rule": "Rule",
        "pack_col_tight": "Tight",
        "pack_col_binds": "Binds",
        "pack_col_cost_max": "Cost: largest deviation",
        "pack_col_cost_total": "Cost: total deviation",
        "pack_tie_none": "Ties: none. No other allocation is exactly as good for the "
                         "municipalities and service lines.",
        "pack_tie": "Tie broken: {what}.",
        "pack_s2_none": "There is no allocation to explain.",
        "pack_scenarios_title": "The scenarios and their verdicts",
        "pack_col_scenario": "Scenario",
        "pack_col_question": "What it assumes",
        "pack_side_title": "Customer-service HTV by responsibility area in each scenario "
                           "(change against the proposal below)",
        "pack_cap_shares": "The service lines' shares of customer service; black ticks mark "
                           "the target shares.",
        "pack_conflicts_title": "Scenarios without an allocation",
        "pack_s4": "Sensitivity",
        "pack_s4_intro": "How much would the base allocation change if the figures behind it "
                         "were somewhat different? Three checks: one input at a time, random "
                         "variation of the caseload, and the size of the budget.",
        "pack_s4_none": "Not available: the base scenario has no allocation.",
        "pack_tornado_title": "One input at a time (tornado)",
        "pack_tornado_intro": "Every numeric input of the base ({n} in all) was moved {pct} % "
                              "down and up, one at a time. For each area: the inputs that move "
                              "it most, the largest at the top.",
        "pack_tornado_table": "The {n} inputs that move each area most",
        "pack_col_input": "Input",
        "pack_col_base_htv": "Base [HTV]",
        "pack_col_down": "Input −{pct} %",
        "pack_col_up": "Input +{pct} %",
        "pack_cap_tornado": "Change in {area}'s customer-service HTV when one input moves "
                            "{pct} % down (hatched) or up (solid).",
        "pack_mc_title": "Random variation of the caseload (Monte Carlo)",
        "pack_mc_intro": "The caseload counts were drawn at random {runs} times ({model}, seed "
                         "{seed}) and each draw was allocated again. An area is stable when it "
                         "rarely moves more than {threshold} HTV from the base.",
        "pack_col_mean": "Mean",
        "pack_col_sd": "SD",
        "pack_col_median": "Median",
        "pack_col_moved": "Moved > {threshold} HTV",
        "pack_col_failed": "No allocation",
        "pack_cap_mc": "Boxes: the middle half of the draws; whiskers: the usual range; grey "
                       "band: ±{threshold} HTV around the base.",
        "pack_sweep_title": "The size of the budget (sweep)",
        "pack_sweep_intro": "{param} from {start} to {stop} in steps of {step}, everything else "
                            "as in the base: how each area's customer-service person-years "
                            "follow.",
        "pack_col_value": "Value",
        "pack_col_status": "Status",
        "pack_cap_sweep": "Each area's customer-service person-years along {param}; the dotted "
                          "line is the base value.",
        "pack_sweep_paradox": "Rounding to whole units cannot avoid every paradox: although "
                              "{why}, a municipality's service line lost person-years in "
                              "{cells} of the {steps} steps, a municipality in {municipalities} "
                              "and an area in {areas} ({kind}). The largest: {name} {before} → "
                              "{after} HTV at {param} {start} → {stop}.",
        "pack_sweep_paradox_none": "No paradox of rounding in the {steps} steps: no area, "
                                   "municipality or municipality's service line lost "
                                   "person-years while {why}.",
        "pack_paradox_why_alabama": "the budget rose",
        "pack_paradox_why_population": "its own caseload rose",
        "pack_paradox_alabama": "an Alabama paradox",
        "pack_paradox_population": "a population paradox",
        "pack_s5": "A robust allocation across the scenarios",
        "pack_s5_intro": "One split of the staff that every included scenario's rules accept, "
                         "keeping the worst deviation from any of their caseload targets as "
                         "small as possible. Regret is how much further from a scenario's own "
                         "targets the robust allocation is than that scenario's own optimum.",
        "pack_robust_included": "Included: {names}.",
        "pack_robust_skipped": "A robust allocation needs scenarios with the base's structure "
                               "(municipalities, areas, offices, service lines, total_htv, "
                               "fixed central service sizes) whose rules can hold at once. "
                               "Taken in order, these were left out:",
        "pack_robust_sized": "Central services driven by the caseload are staffed for the "
                             "busiest included scenario: {services}. Every scenario is measured "
                             "with them at that size.",
        "pack_robust_size": "{name} at {size} HTV (the scenarios' own sizes: {sizes})",
        "pack_skip_structure": "{name}: different {field}: {value} (base: {base})",
        "pack_skip_rules": "{name}: its rules cannot hold together with those already "
                           "included ({why})",
        "pack_skip_no_allocation": "{name}: it has no allocation of its own",
        "pack_robust_alone": "No other scenario can join the base, so the robust allocation is "
                             "the base's own.",
        "pack_skip_broken": "{name}: the robust model does not enforce all of its rules, and "
                            "the robust allocation would break {rules}",
        "pack_robust_verdict": "Robust allocation: {proof}; the verifier passed it in every "
                               "included scenario. Worst deviation over all of them: {worst} "
                               "HTV.",
        "pack_robust_verdict_bad": "Robust allocation: {proof}, but it does NOT pass the "
                                   "verifier in every included scenario (see 'Rules hold'). "
                                   "Worst deviation over all of them: {worst} HTV.",
        "pack_robust_none": "No robust allocation: {why}",
        "pack_regret_title": "Regret: the robust allocation against each scenario's own "
                             "optimum [HTV]",
        "pack_robust_own_proofs": "Each scenario's own optimum is proven {proofs}.",
        "pack_own_cpsat": "by CP-SAT ({names})",
        "pack_own_flow": "by the network-flow certificate ({names})",
        "pack_col_own_max": "Own optimum: largest deviation",
        "pack_col_robust_max": "Robust: largest deviation",
        "pack_col_regret_max": "Regret: largest",
        "pack_col_own_total": "Own optimum: total deviation",
        "pack_col_robust_total": "Robust: total deviation",
        "pack_col_regret_total": "Regret: total",
        "pack_col_rules_hold": "Rules hold",
        "pack_robust_area_title": "Customer-service HTV by area: the robust allocation and "
                                  "each scenario's own optimum",
        "pack_col_robust": "Robust",
        "pack_col_own": "Own: {name}",
        "pack_cap_robust": "Above zero, the robust allocation gives the area more than that "
                           "scenario alone would.",
        "pack_s6": "Reproducibility",
        "pack_s6_intro": "Everything needed to produce this pack again: the command, the "
                         "software versions, the solver settings and a fingerprint (SHA-256) of "
                         "every scenario file and of its validated content.",
        "pack_command": "Command",
        "pack_generated": "Generated",
        "pack_versions_title": "Software",
        "pack_col_package": "Package",
        "pack_col_version": "Version",
        "pack_manifest_title": "Scenario manifests",
        "pack_col_file": "File; SHA-256 of the file; SHA-256 of the validated scenario",
        "pack_col_result": "Result",
        "pack_col_solver": "Solver settings",
        "pack_solver_settings": "deterministic time limit {limit} s, seed {seed}, {workers} "
                                "worker(s); objective stages {stages}",
        "pack_solver_all": "Every scenario: {settings}.",
        "pack_analyses_title": "Analysis settings",
        "pack_analysis_tornado": "Tornado: every numeric input ±{pct} %, line shares "
                                 "rebalanced.",
        "pack_analysis_mc": "Monte Carlo: {runs} runs, caseload ~ {model}, seed {seed}; moved "
                            "means more than {threshold} HTV.",
        "pack_analysis_sweep": "Sweep: {param} = {values}.",
        "pack_analysis_exec": "Each analysis solve used one CP-SAT worker under the "
                              "'{executor}' executor; the results do not depend on it.",
        "pack_footer": "Produced by allocator {version}. Every chart carries its own "
                       "reproducibility line.",
        "pack_costs_title": "What it costs each municipality",
        "pack_costs_intro": "One person-year costs {htv_eur} EUR a year. Each municipality pays "
                            "the customer service given to its residents; {offices} The central "
                            "services ({central} HTV) are shared by {name}. In all: {total} EUR a "
                            "year.",
        "pack_costs_offices_served": "an office's own costs fall on the municipalities it "
                                     "serves, in proportion to its customer service for each.",
        "pack_costs_offices_host": "an office's own costs fall on the municipality it is in.",
        "pack_costs_table": "Cost per municipality [EUR/year]",
        "pack_col_cost_municipality": "Municipality",
        "pack_col_customer_htv": "Customer service HTV",
        "pack_col_cost_customer": "Customer service",
        "pack_col_cost_offices": "Offices",
        "pack_col_cost_central": "Central services",
        "pack_col_eur_total": "Total",
        "pack_all_municipalities": "All municipalities",
        "pack_cap_costs": "Each municipality's yearly cost by part; black ticks: the reference "
                          "split of the same budget, where the scenario gives one.",
        "pack_keys_title": "Which key? Each municipality's share of the central services",
        "pack_keys_intro": "The sharing key is for the municipalities to agree. The table gives "
                           "each municipality's share of the central services and what it "
                           "would pay under the common keys; the key in use is marked.",
        "pack_keys_use_note": "By use: each central service sized by a caseload feature is "
                              "shared by that feature, the others by the key in use.",
        "pack_key_used": "{name} (in use)",
        "pack_reference_title": "Against a reference: {label}",
        "pack_reference_intro": "The same budget split by the reference's criteria ({weights}; "
                                "the weights are an assumption) beside the caseload-based split: "
                                "how far each municipality's share of the work is from a "
                                "state-grant-like share of the money.",
        "pack_col_caseload_eur": "Caseload-based EUR",
        "pack_col_reference_eur": "Reference EUR",
        "pack_col_difference_eur": "Difference EUR",
        "pack_col_caseload_htv": "Caseload-based HTV",
        "pack_col_reference_htv": "Reference HTV",
        "pack_col_difference_htv": "Difference HTV",
        "pack_reference_note": "Caseload-based HTV: the customer service given to the "
                               "municipality and its key share of the central services.",
        "pack_costs_compare_title": "Cost per municipality in each scenario [EUR/year] "
                                    "(change against the proposal below)",
        "pack_costs_compare_note": "In whole euros; costs.csv of allocate compare has the "
                                   "cents. Under each scenario: the central services' sharing "
                                   "key.",
        "pack_no_costs": "no costs",
    },
    "fi": {
        "pack_kicker": "Lautakunnan aineisto · henkilöstön jako asiakasmäärien mukaan",
        "pack_title": "{title}",
        "pack_subtitle": "{total} henkilötyövuotta (HTV) · {n} skenaariota · laadittu {when}",
        "pack_contents": "Sisällys",
        "pack_status_ok": "Jokaiselle skenaariolle löytyi jako, jonka riippumaton tarkistus "
                          "hyväksyi.",
        "pack_status_bad": "{n}/{total} skenaariolle ei löytynyt tarkistettua jakoa: {names}. "
                           "Syy kerrotaan skenaarioiden vertailussa.",
        "pack_solver": "Ratkaisija",
        "pack_verifier": "Tarkistus",
        "pack_proof_OPTIMAL": "todistetusti optimaalinen",
        "pack_proof_flow": "optimaalinen (verkkovuon todistus)",
        "pack_proof_FEASIBLE": ("sallittu, optimaalisuutta ei todistettu (aikaraja tai kesken "
                                "jäänyt tarkka tarkistus)"),
        "pack_proof_INFEASIBLE": "ei jakoa: säännöt eivät voi olla voimassa yhtä aikaa",
        "pack_proof_INVALID": "virheellinen skenaario",
        "pack_proof_UNKNOWN": "ei jakoa aikarajan puitteissa",
        "pack_verified_yes": "hyväksytty: jokainen sääntö tarkistettu ratkaisijasta riippumatta",
        "pack_verified_no": "HYLÄTTY",
        "pack_passed": "hyväksytty",
        "pack_verified_none": "ei tehty (ei jakoa)",
        "pack_yes": "kyllä",
        "pack_no": "ei",
        "pack_fix": "korjaus",
        "pack_s1": "Suositeltu jako",
        "pack_s1_none": "Perusskenaariolle ei löytynyt jakoa, joten suositusta ei vielä voi "
                        "antaa. Ristiriitaiset säännöt ja mikä ristiriidan poistaisi:",
        "pack_by_area_title": "Henkilötyövuodet vastuualueittain ja palvelulinjoittain [HTV]",
        "pack_ratio_title": "Asiakasmäärä vastuualueittain: työttömiä työnhakijoita "
                            "asiakaspalvelun henkilötyövuotta kohden sekä asiakasmäärän mukainen "
                            "tavoite [HTV]",
        "pack_col_difference": "Jako − tavoite",
        "pack_detail_title": "Toimipisteet ja niiden palvelemat kunnat [HTV]",
        "pack_moves_title": "Siirrot nykyisestä asiakaspalvelun miehityksestä "
                            "toimipisteittäin [htv]",
        "pack_col_today": "Nyt",
        "pack_col_change": "Muutos",
        "pack_moves_note": "Siirretyt htv:t: {moved} (puolet muutosten summasta); siirretyn "
                           "htv:n hinta {weight}; suurin sallittu muutos toimipistettä kohden "
                           "{cap} htv.",
        "pack_moves_illustrative": "Tämän skenaarion nykyinen miehitys on havainnollistava.",
        "pack_central_title": "Keskitetyt palvelut vastuukunnassa [HTV]",
        "pack_col_area": "Vastuualue",
        "pack_col_customer": "Asiakaspalvelu",
        "pack_col_central": "Keskitetyt palvelut",
        "pack_col_total": "Yhteensä",
        "pack_col_target": "Asiakasmäärän mukainen tavoite",
        "pack_col_unemployed": "Työttömät",
        "pack_col_ratio": "Työttömiä / HTV",
        "pack_col_office": "Toimipiste",
        "pack_col_municipality": "Palveltava kunta",
        "pack_col_service": "Palvelu",
        "pack_col_basis": "Mitoitusperuste",
        "pack_fixed": "kiinteä koko",
        "pack_assumed_size": "oletettu koko (ks. oletukset)",
        "pack_assumed": "oletus",
        "pack_assumptions_title": "Oletukset: mallinnuksessa valitut arvot",
        "pack_assumptions_note": "Nämä arvot eivät ole suunnitelman tai tilastojen lukuja; "
                                 "jokainen on valinta, jota lautakunta voi muuttaa.",
        "pack_col_assumed": "Mikä",
        "pack_col_reason": "Miksi se valittiin",
        "pack_assumed_tolerance": "osuuden toleranssi",
        "pack_assumed_demand": "kysyntäpainot",
        "pack_assumed_share": "osuus",
        "pack_assumed_central": "koko",
        "pack_col_htv": "HTV",
        "pack_cap_allocation": "Vastuualueen henkilötyövuodet palvelulinjoittain päällekkäin; "
                               "musta viiva on alueen asiakasmäärän mukainen tavoite.",
        "pack_s2": "Miten jako muodostui",
        "pack_s2_intro": "Jako noudattaa yhtä kirjattua oikeudenmukaisuuden määritelmää, jota "
                         "sovelletaan samoin jokaiseen skenaarioon: kukin kunta ja palvelulinja "
                         "saa niin lähelle asiakasmääriensä mukaista osuutta kuin säännöt "
                         "sallivat.",
        "pack_fair_title": "Oikeudenmukaisuuden määritelmä",
        "pack_fair_budget": "Asiakaspalvelun resurssi: {total} HTV, josta vähennetään "
                            "keskitettyjen palvelujen {central} HTV, jolloin jää {customer} HTV.",
        "pack_fair_lines": "Palvelulinjat: {shares} asiakaspalvelusta.",
        "pack_fair_targets": "Tavoitteet: kunkin palvelulinjan henkilötyövuodet jaetaan "
                             "kunnille niiden asiakasmäärätietojen suhteessa, joita linja "
                             "painottaa (taulukko alla); mitään ei pyöristetä ennen mallia.",
        "pack_fair_rules": "Aina voimassa olevat säännöt: resurssi täsmää tarkalleen; "
                           "jokaisessa toimipisteessä on vähintään vähimmäishenkilöstö; "
                           "jokaisella vastuualueella on miehitetty toimipiste; keskitetyt "
                           "palvelut sijaitsevat vastuukunnassa; kukin palvelulinja pysyy "
                           "osuutensa rajoissa.",
        "pack_fair_objective": "Sääntöjen sallimista jaoista valitaan se, jossa (1) kunnan ja "
                               "palvelulinjan suurin poikkeama tavoitteesta on pienin, sitten "
                               "(2) poikkeamien summa on pienin ja sitten (3) poikkeamat "
                               "jakautuvat tavoitteiden suhteessa; (4) kiinteä ratkaisusääntö "
                               "tasatilanteisiin takaa, että samat lähtötiedot antavat aina "
                               "saman jaon. Poikkeamat mitataan henkilötyövuosina: "
                               "henkilötyövuosi painaa yhtä paljon joka kunnassa.",
        "pack_fair_result": "Perusjaossa kunnan ja palvelulinjan suurin poikkeama "
                            "tavoitteesta on {max} HTV, ja poikkeamien summa on {total} HTV.",
        "pack_line_share": "{line} {share} % ± {tol} %-yks.",
        "pack_weights_title": "Mitä kunkin palvelulinjan tavoite painottaa",
        "pack_col_line": "Palvelulinja",
        "pack_col_share": "Osuus",
        "pack_col_weights": "Asiakasmäärätiedot ja niiden painot",
        "pack_why_title": "Miksi kukin vastuualue sai osuutensa [HTV]",
        "pack_why_intro": "Tarkasta asiakasmäärän mukaisesta tavoitteesta pyöristyksen ({g} "
                          "HTV) kautta lopulliseen arvoon; oma sarake jokaiselle säännölle, "
                          "joka muuttaa jotakin.",
        "pack_col_target_exact": "Tavoite",
        "pack_col_rounding": "Pyöristys",
        "pack_col_final": "Lopullinen",
        "pack_rules_title": "Säännöt optimissa",
        "pack_rules_note": "Tiukka: optimissa ei jää liikkumavaraa. Sitoo: kun sääntö yksin "
                           "höllennetään ja malli ratkaistaan uudelleen, jako lähenee "
                           "tavoitteita; hinta kertoo kuinka paljon [HTV].",
        "pack_no_binding": "Mikään sääntö ei sido: jokainen kunta ja palvelulinja saa tarkan "
                           "asiakasmäärän mukaisen kiintiönsä pyöristettynä {g} HTV:n "
                           "tarkkuuteen, eikä minkään yksittäisen säännön höllentäminen toisi "
                           "jakoa lähemmäs tavoitteita.",
        "pack_binding_one": "Yksi sääntö sitoo: sen höllentäminen toisi jaon lähemmäs "
                            "asiakasmäärien mukaisia tavoitteita. {rule} kasvattaa suurinta "
                            "poikkeamaa {cost_max} HTV ja poikkeamien summaa {cost_total} HTV.",
        "pack_binding": "{n} sääntöä sitoo: minkä tahansa niistä höllentäminen yksinään toisi "
                        "jaon lähemmäs asiakasmäärien mukaisia tavoitteita. Kallein, {rule}, "
                        "kasvattaa suurinta poikkeamaa {cost_max} HTV ja poikkeamien summaa "
                        "{cost_total} HTV.",
        "pack_col_rule": "Sääntö",
        "pack_col_tight": "Tiukka",
        "pack_col_binds": "Sitoo",
        "pack_col_cost_max": "Hinta: suurin poikkeama",
        "pack_col_cost_total": "Hinta: poikkeamien summa",
        "pack_tie_none": "Tasatilanteet: ei yhtään. Mikään muu jako ei ole kuntien ja "
                         "palvelulinjojen osalta täsmälleen yhtä hyvä.",
        "pack_tie": "Tasatilanne ratkaistu: {what}.",
        "pack_s2_none": "Selitettävää jakoa ei ole.",
        "pack_scenarios_title": "Skenaariot ja niiden tulokset",
        "pack_col_scenario": "Skenaario",
        "pack_col_question": "Oletus",
        "pack_side_title": "Asiakaspalvelun HTV vastuualueittain eri skenaarioissa (alla "
                           "muutos esitykseen verrattuna)",
        "pack_cap_shares": "Palvelulinjojen osuudet asiakaspalvelusta; mustat viivat ovat "
                           "tavoiteosuudet.",
        "pack_conflicts_title": "Skenaariot ilman jakoa",
        "pack_s4": "Herkkyys",
        "pack_s4_intro": "Kuinka paljon perusjako muuttuisi, jos sen taustaluvut olisivat "
                         "hieman toiset? Kolme tarkastelua: yksi lähtötieto kerrallaan, "
                         "asiakasmäärien satunnaisvaihtelu ja henkilöstöresurssin koko.",
        "pack_s4_none": "Ei saatavilla: perusskenaariolla ei ole jakoa.",
        "pack_tornado_title": "Yksi lähtötieto kerrallaan (tornado)",
        "pack_tornado_intro": "Jokaista perusskenaarion numeerista lähtötietoa ({n} kpl) "
                              "muutettiin {pct} % alas ja ylös yksi kerrallaan. Kunkin "
                              "vastuualueen kuvassa ovat sitä eniten muuttavat lähtötiedot, "
                              "suurin ylimpänä.",
        "pack_tornado_table": "Kutakin vastuualuetta eniten muuttavat {n} lähtötietoa",
        "pack_col_input": "Lähtötieto",
        "pack_col_base_htv": "Perusjako [HTV]",
        "pack_col_down": "Lähtötieto −{pct} %",
        "pack_col_up": "Lähtötieto +{pct} %",
        "pack_cap_tornado": "Vastuualueen {area} asiakaspalvelun HTV:n muutos, kun yksi "
                            "lähtötieto laskee (viivoitettu) tai nousee (yhtenäinen) {pct} %.",
        "pack_mc_title": "Asiakasmäärien satunnaisvaihtelu (Monte Carlo)",
        "pack_mc_intro": "Asiakasmäärät arvottiin satunnaisesti {runs} kertaa ({model}, "
                         "siemenluku {seed}), ja jokainen arvonta jaettiin uudelleen. Alue on "
                         "vakaa, jos sen osuus muuttuu harvoin yli {threshold} HTV perusjaosta.",
        "pack_col_mean": "Keskiarvo",
        "pack_col_sd": "Keskihajonta",
        "pack_col_median": "Mediaani",
        "pack_col_moved": "Muuttui > {threshold} HTV",
        "pack_col_failed": "Ei jakoa",
        "pack_cap_mc": "Laatikot: arvontojen keskimmäinen puolikas; viikset: tavanomainen "
                       "vaihteluväli; harmaa vyöhyke: ±{threshold} HTV perusjaon ympärillä.",
        "pack_sweep_title": "Henkilöstöresurssin koko",
        "pack_sweep_intro": "{param} välillä {start}–{stop} askelin {step}, muut tiedot kuten "
                            "perusskenaariossa: miten kunkin vastuualueen asiakaspalvelun "
                            "henkilötyövuodet seuraavat.",
        "pack_col_value": "Arvo",
        "pack_col_status": "Tila",
        "pack_cap_sweep": "Kunkin vastuualueen asiakaspalvelun henkilötyövuodet, kun {param} "
                          "muuttuu; pisteviiva on perusarvo.",
        "pack_sweep_paradox": "Pyöristys kokonaisiin yksiköihin ei voi välttää kaikkia "
                              "paradokseja: vaikka {why}, kunnan palvelulinja menetti "
                              "henkilötyövuosia {cells} askeleella {steps}:stä, kunta "
                              "{municipalities} ja vastuualue {areas} askeleella ({kind}). "
                              "Suurin: {name} {before} → {after} HTV, kun {param} {start} → "
                              "{stop}.",
        "pack_sweep_paradox_none": "Ei pyöristyksen paradokseja {steps} askeleella: mikään "
                                   "vastuualue, kunta tai kunnan palvelulinja ei menettänyt "
                                   "henkilötyövuosia, kun {why}.",
        "pack_paradox_why_alabama": "resurssi kasvoi",
        "pack_paradox_why_population": "oma asiakasmäärä kasvoi",
        "pack_paradox_alabama": "Alabaman paradoksi",
        "pack_paradox_population": "väestöparadoksi",
        "pack_s5": "Skenaarioiden yhteinen vakaa jako",
        "pack_s5_intro": "Yksi henkilöstön jako, jonka kaikkien mukaan otettujen skenaarioiden "
                         "säännöt hyväksyvät ja jossa suurin poikkeama minkä tahansa niiden "
                         "asiakasmäärien mukaisesta tavoitteesta on mahdollisimman pieni. "
                         "Katumus kertoo, kuinka paljon kauempana skenaarion omista "
                         "tavoitteista vakaa jako on kuin skenaarion oma optimi.",
        "pack_robust_included": "Mukana: {names}.",
        "pack_robust_skipped": "Vakaa jako edellyttää skenaarioita, joilla on perusskenaarion "
                               "rakenne (kunnat, vastuualueet, toimipisteet, palvelulinjat, "
                               "total_htv, kiinteät keskitettyjen palvelujen koot) ja joiden "
                               "säännöt voivat olla voimassa yhtä aikaa. Järjestyksessä läpi "
                               "käyden nämä jätettiin pois:",
        "pack_robust_sized": "Asiakasmäärien mukaan mitoitetut keskitetyt palvelut miehitetään "
                             "kiireisimmän mukana olevan skenaarion mukaan: {services}. Jokaista "
                             "skenaariota arvioidaan näillä koilla.",
        "pack_robust_size": "{name} {size} htv (skenaarioiden omat koot: {sizes})",
        "pack_skip_structure": "{name}: eri {field}: {value} (perusskenaariossa {base})",
        "pack_skip_rules": "{name}: sen säännöt eivät voi olla voimassa yhtä aikaa jo mukana "
                           "olevien kanssa ({why})",
        "pack_skip_no_allocation": "{name}: sillä ei ole omaa jakoa",
        "pack_robust_alone": "Mikään muu skenaario ei voi liittyä perusskenaarioon, joten vakaa "
                             "jako on perusskenaarion oma jako.",
        "pack_skip_broken": "{name}: vakaan jaon malli ei huomioi kaikkia sen sääntöjä, ja "
                            "vakaa jako rikkoisi säännöt {rules}",
        "pack_robust_verdict": "Vakaa jako: {proof}; tarkistus hyväksyi sen jokaisessa mukana "
                               "olevassa skenaariossa. Suurin poikkeama niissä kaikissa: {worst} "
                               "HTV.",
        "pack_robust_verdict_bad": "Vakaa jako: {proof}, mutta tarkistus EI hyväksynyt sitä "
                                   "kaikissa mukana olevissa skenaarioissa (ks. 'Säännöt "
                                   "voimassa'). Suurin poikkeama niissä kaikissa: {worst} HTV.",
        "pack_robust_none": "Vakaata jakoa ei löytynyt: {why}",
        "pack_regret_title": "Katumus: vakaa jako verrattuna kunkin skenaarion omaan optimiin "
                             "[HTV]",
        "pack_robust_own_proofs": "Skenaarioiden omat optimit on todistettu {proofs}.",
        "pack_own_cpsat": "CP-SAT-ratkaisijalla ({names})",
        "pack_own_flow": "verkkovuon todistuksella ({names})",
        "pack_col_own_max": "Oma optimi: suurin poikkeama",
        "pack_col_robust_max": "Vakaa jako: suurin poikkeama",
        "pack_col_regret_max": "Katumus: suurin",
        "pack_col_own_total": "Oma optimi: poikkeamien summa",
        "pack_col_robust_total": "Vakaa jako: poikkeamien summa",
        "pack_col_regret_total": "Katumus: summa",
        "pack_col_rules_hold": "Säännöt voimassa",
        "pack_robust_area_title": "Asiakaspalvelun HTV vastuualueittain: vakaa jako ja kunkin "
                                  "skenaarion oma optimi",
        "pack_col_robust": "Vakaa jako",
        "pack_col_own": "Oma: {name}",
        "pack_cap_robust": "Nollan yläpuolella vakaa jako antaa alueelle enemmän kuin "
                           "skenaario yksinään antaisi.",
        "pack_s6": "Toistettavuus",
        "pack_s6_intro": "Kaikki, mitä tämän aineiston tuottaminen uudelleen vaatii: komento, "
                         "ohjelmistoversiot, ratkaisijan asetukset sekä jokaisen "
                         "skenaariotiedoston ja sen tarkistetun sisällön tunniste (SHA-256).",
        "pack_command": "Komento",
        "pack_generated": "Laadittu",
        "pack_versions_title": "Ohjelmistot",
        "pack_col_package": "Ohjelmisto",
        "pack_col_version": "Versio",
        "pack_manifest_title": "Skenaarioiden tunnistetiedot",
        "pack_col_file": "Tiedosto; tiedoston SHA-256; tarkistetun skenaarion SHA-256",
        "pack_col_result": "Tulos",
        "pack_col_solver": "Ratkaisijan asetukset",
        "pack_solver_settings": "deterministinen aikaraja {limit} s, siemenluku {seed}, "
                                "{workers} säie(ttä); tavoitteen vaiheet {stages}",
        "pack_solver_all": "Kaikki skenaariot: {settings}.",
        "pack_analyses_title": "Analyysien asetukset",
        "pack_analysis_tornado": "Tornado: jokainen numeerinen lähtötieto ±{pct} %, "
                                 "palvelulinjojen osuudet skaalattu summaamaan yhteen.",
        "pack_analysis_mc": "Monte Carlo: {runs} arvontaa, asiakasmäärät ~ {model}, siemenluku "
                            "{seed}; muuttunut tarkoittaa yli {threshold} HTV.",
        "pack_analysis_sweep": "Herkkyysajo: {param} = {values}.",
        "pack_analysis_exec": "Jokainen analyysin ratkaisu käytti yhtä CP-SAT-säiettä "
                              "('{executor}'-suoritus); tulokset eivät riipu siitä.",
        "pack_footer": "Tuotettu allocator-ohjelman versiolla {version}. Jokaisen kuvan "
                       "alareunassa ovat sen toistettavuustiedot.",
        "pack_costs_title": "Kustannukset kunnittain",
        "pack_costs_intro": "Henkilötyövuosi maksaa {htv_eur} euroa vuodessa. Kukin kunta "
                            "maksaa asukkailleen annetun asiakaspalvelun; {offices} Keskitetyt "
                            "palvelut ({central} HTV) jaetaan jakoperusteella {name}. Yhteensä "
                            "{total} euroa vuodessa.",
        "pack_costs_offices_served": "toimipisteen omat kustannukset jaetaan sen palvelemille "
                                     "kunnille kullekin annetun asiakaspalvelun suhteessa.",
        "pack_costs_offices_host": "toimipisteen omat kustannukset maksaa kunta, jossa se "
                                   "sijaitsee.",
        "pack_costs_table": "Kustannukset kunnittain [euroa/vuosi]",
        "pack_col_cost_municipality": "Kunta",
        "pack_col_customer_htv": "Asiakaspalvelun HTV",
        "pack_col_cost_customer": "Asiakaspalvelu",
        "pack_col_cost_offices": "Toimipisteet",
        "pack_col_cost_central": "Keskitetyt palvelut",
        "pack_col_eur_total": "Yhteensä",
        "pack_all_municipalities": "Kaikki kunnat",
        "pack_cap_costs": "Kunkin kunnan vuosikustannus osittain; mustat viivat: saman budjetin "
                          "vertailujako, jos skenaario sen antaa.",
        "pack_keys_title": "Mikä jakoperuste? Kuntien osuudet keskitetyistä palveluista",
        "pack_keys_intro": "Jakoperusteesta sopivat kunnat. Taulukko näyttää kunkin kunnan "
                           "osuuden keskitetyistä palveluista ja sen hinnan yleisimmillä "
                           "jakoperusteilla; käytössä oleva on merkitty.",
        "pack_keys_use_note": "Käytön mukaan: asiakasmäärän mukaan mitoitettu keskitetty palvelu "
                              "jaetaan sen asiakasmäärän mukaan, muut käytössä olevalla "
                              "jakoperusteella.",
        "pack_key_used": "{name} (käytössä)",
        "pack_reference_title": "Vertailujako: {label}",
        "pack_reference_intro": "Sama budjetti jaettuna vertailun perusteilla ({weights}; "
                                "painot ovat oletus) asiakasmäärään perustuvan jaon rinnalla: "
                                "kuinka kaukana kunnan osuus työstä on valtionosuuden kaltaisesta "
                                "osuudesta rahasta.",
        "pack_col_caseload_eur": "Asiakasmäärän mukaan, euroa",
        "pack_col_reference_eur": "Vertailu, euroa",
        "pack_col_difference_eur": "Erotus, euroa",
        "pack_col_caseload_htv": "Asiakasmäärän mukaan, HTV",
        "pack_col_reference_htv": "Vertailu, HTV",
        "pack_col_difference_htv": "Erotus, HTV",
        "pack_reference_note": "Asiakasmäärän mukainen HTV: kunnalle annettu asiakaspalvelu ja "
                               "sen jakoperusteen mukainen osuus keskitetyistä palveluista.",
        "pack_costs_compare_title": "Kustannukset kunnittain eri skenaarioissa [euroa/vuosi] "
                                    "(muutos esitykseen alla)",
        "pack_costs_compare_note": "Täysinä euroina; allocate compare -komennon costs.csv "
                                   "antaa sentit. Skenaarion alla: keskitettyjen palvelujen "
                                   "jakoperuste.",
        "pack_no_costs": "ei kustannuksia",
    },
}


#: The words inside a scenario value as the assumptions table shows it (its field names and
#: settings), by language.
VALUE_WORDS: dict[str, dict[str, str]] = {
    "en": {"persons_per_htv": "persons per HTV", "served": "served municipalities",
           "host": "host municipality"},
    "fi": {"feature": "tekijä", "persons_per_htv": "henkilöä / HTV", "label": "nimi",
           "weights": "painot", "served": "palvellut kunnat", "host": "sijaintikunta",
           "office": "toimipiste", "htv": "HTV", "lines": "palvelulinjat"},
}

#: The solver's objective stages in words.
STAGE_NAMES: dict[str, dict[str, str]] = {
    "en": {"max_deviation": "largest deviation", "total_deviation": "total deviation",
           "deviation_and_moves": "deviation and moves", "spread": "spread",
           "tie_break": "fixed tie-break"},
    "fi": {"max_deviation": "suurin poikkeama", "total_deviation": "poikkeamien summa",
           "deviation_and_moves": "poikkeamat ja siirrot", "spread": "hajonta",
           "tie_break": "kiinteä tasapelin ratkaisu"},
}


def key_name(key: str, lang: str = "en") -> str:
    """A sharing key or caseload feature as the pack's language names it."""
    return features.key_name(None, key, lang)


def text(key: str, lang: str = "en", **values: object) -> str:
    """The pack's text ``key`` in ``lang`` ('en' or 'fi'), with ``values`` filled in.

    A key the pack does not define is a chart text (allocator.charts.text.TEXT).
    """
    return phrase(PACK_TEXT, key, lang, values, chart_text)


#: The decision summary, the plain sections and the glossary: the pages the board reads
#: first, in its own words (no solver terms, no identifiers).
SUMMARY_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "pack_sum": "Decision summary",
        "pack_costs_where": "Each municipality's cost is in the decision summary; the "
                            "appendix 'Other comparisons' has its parts to the cent.",
        "pack_costs_table_cents": "Cost per municipality, to the cent [EUR/year]: the parts add "
                                  "up exactly",
        "pack_costs_rounded": "In whole euros; a row may differ from the sum of its rounded "
                              "parts by a euro; the appendix 'Other comparisons' has every "
                              "amount to the cent.",
        "pack_input_total": "the budget (person-years in all)",
        "pack_assumed_costs_htv_eur": "Cost of one person-year",
        "pack_assumed_costs_offices_eur": "Offices' running costs",
        "pack_assumed_costs_office_costs": "Who pays an office",
        "pack_assumed_costs_central_key": "Sharing key of the central services",
        "pack_assumed_costs_reference": "Reference split",
        "pack_assumed_continuity_current": "Today's staffing",
        "pack_assumed_continuity_max_change_htv": "Largest change per office",
        "pack_assumed_continuity_move_weight": "Price of moving staff",
        "pack_input_weight": "weight of {feature}",
        "pack_input_share": "target share",
        "pack_input_tolerance": "share tolerance",
        "pack_input_persons": "persons per HTV",
        "pack_input_size": "size",
        "pack_input_min_htv": "minimum staffing",
        "pack_input_max_htv": "maximum staffing",
        "pack_field_total_htv": "person-years in all",
        "pack_field_offices": "offices",
        "pack_field_central_services": "central services",
        "pack_field_municipalities": "municipalities",
        "pack_field_areas": "responsibility areas",
        "pack_field_service_lines": "service lines",
        "pack_reasons_as_written": "",
        "pack_tie_broken": "Tie broken: several allocations were exactly as good, and a "
                           "fixed rule chose one, so the same input always gives the same "
                           "allocation.",
        "pack_change_axis": "Change against the proposal [HTV]",
        "pack_no_change": "no municipality changes",
        "pack_driven": "1 HTV per {persons} {feature} ({count} in all)",
        "pack_sum_proposal": "The employment board approves the split of the {total} "
                             "person-years (HTV) of the employment services shown below: "
                             "{customer} HTV of customer service in the {n} responsibility "
                             "areas, in proportion to their caseload, and {central} HTV of "
                             "central services at {lead}, the lead municipality.",
        "pack_sum_cost": "The municipalities pay {eur} EUR a year for it in all; each pays "
                         "for its own residents' customer service and a share of the central "
                         "services by {sharing}.",
        "pack_sum_ratio": "That is one customer-service person-year for every {ratio} "
                          "unemployed jobseekers across the area, from {low} in {low_area} to "
                          "{high} in {high_area}.",
        "pack_sum_checked": "Checked: no other split keeps closer to the caseload under the "
                            "rules (proven), and every rule was checked again independently.",
        "pack_sum_not_checked": "Caution: {what}.",
        "pack_sum_none": "The proposal has no allocation: its rules cannot all hold. The "
                         "appendix names the conflicting rules and what would resolve them.",
        "pack_sum_table": "The proposal per municipality and responsibility area",
        "pack_col_area_office": "Responsibility area (office)",
        "pack_col_customer_people": "Customer service [HTV]",
        "pack_col_central_share": "Share of central services [HTV]",
        "pack_col_in_all": "In all [HTV]",
        "pack_col_eur_year": "Cost [EUR/year]",
        "pack_sum_area_total": "{area} area in all",
        "pack_sum_central_row": "Central services at {lead} (staff of the whole area)",
        "pack_sum_total_row": "Whole employment area",
        "pack_sum_table_note": "A municipality's share of the central services is the part "
                               "of their person-years it pays for under the sharing key; its "
                               "cost includes it and the running costs of the offices that "
                               "serve it.",
        "pack_sum_scenarios": "What the other scenarios would change",
        "pack_sum_scenarios_intro": "Each row is a question the board may ask, and what the "
                                    "answer would change for each municipality against the "
                                    "proposal: customer-service person-years (above) and cost "
                                    "a year (below).",
        "pack_col_question_why": "Question, and why it changes what it changes",
        # one clause each; the pack joins them into one sentence per scenario
        "pack_why_budget_up": "{delta} HTV more in all ({total} HTV): every area gains, most "
                              "{area} ({change})",
        "pack_why_budget_down": "{delta} HTV less in all ({total} HTV): every area loses, most "
                                "{area} ({change})",
        "pack_why_budget_mixed": "{delta} HTV in all ({total} HTV): {changes}",
        "pack_why_central_up": "the central service '{service}' grows by {delta} HTV "
                               "({before} → {after} HTV)",
        "pack_why_central_down": "the central service '{service}' shrinks by {delta} HTV "
                                 "({before} → {after} HTV)",
        "pack_why_central_removed": "'{service}' is not centralised: its {before} HTV go to "
                                    "customer service in the areas",
        "pack_why_central_added": "a new central service '{service}' takes {after} HTV",
        "pack_why_all_lose": "every area loses a little ({changes}), because {cause}",
        "pack_why_all_gain": "every area gains ({changes}), because {cause}",
        "pack_why_shares": "the areas' shares of the weighted caseload change: {changes}",
        "pack_why_share_up": "{area} {before} → {after} %",
        "pack_why_share_down": "{area} {before} → {after} %",
        "pack_why_share_htv": "{area} {before} → {after} % ({change} HTV)",
        "pack_why_lines": "the service lines' target shares change ({changes}), so "
                          "{moved} HTV move between the lines; no area changes by more than "
                          "{largest} HTV",
        "pack_why_line": "{line} {before} → {after} %",
        "pack_why_new_office": "{htv} HTV move from {source} into the new {office}",
        "pack_why_new_office_alone": "the new {office} gets {htv} HTV",
        "pack_why_no_area_change": "no area total changes, but {moves}",
        "pack_why_offices_and": "{moves}",
        "pack_why_closed_office": "{office} closes ({htv} HTV before)",
        "pack_why_key": "no staff move; only who pays the central services changes ({new} "
                        "instead of {old}): {changes}",
        "pack_why_costs_only": "only the offices' running costs shift between municipalities: "
                               "{changes}",
        "pack_why_cap": "today's staffing is kept within {cap} HTV per office: {changes}",
        "pack_why_other": "the areas change: {changes}",
        "pack_why_nothing": "nothing changes for any municipality",
        "pack_why_no_allocation": "no allocation: the scenario's rules cannot all hold (the "
                                  "appendix says which)",
        "pack_why_and": " and ",
        "pack_eur_change": "{value} €",
        "pack_alloc_intro": "The proposal in detail: what each responsibility area and "
                            "service line gets, the central services, the offices and "
                            "what it costs.",
        "pack_changes": "What changes in each scenario",
        "pack_changes_intro": "The change against the proposal for each municipality and "
                              "area. Bars to the right: more person-years than in the "
                              "proposal; to the left: fewer.",
        "pack_cap_muni_delta": "Change in each municipality's customer service against the "
                               "proposal [HTV], value on each bar; the central services in "
                               "grey where they change.",
        "pack_certainty": "How sure is it",
        "pack_certainty_intro": "Would the proposal hold if the figures behind it were "
                                "somewhat different? The appendix has the full tables.",
        "pack_cert_tornado": "Apart from the budget itself, moving any one figure of the "
                             "proposal by {pct} % up or down changes no area by more than "
                             "{largest} HTV; the figure that matters most is {input}, which "
                             "moves {area} by up to that much.",
        "pack_cert_tornado_none": "Moving any one figure of the proposal by {pct} % up or "
                                  "down changes no area's person-years.",
        "pack_cert_mc": "If the caseload varied at random as counts do ({runs} draws), nine "
                        "draws in ten would keep each area within {band} HTV of the "
                        "proposal (the widest spread: {area}).",
        "pack_cert_sweep": "With a budget anywhere from {start} to {stop} HTV, no area ever "
                           "loses person-years when the budget grows.",
        "pack_cert_sweep_paradox": "With a budget from {start} to {stop} HTV, rounding makes an "
                                   "area lose person-years although the budget grows in "
                                   "{steps} step(s); the largest: {name} {before} → {after} "
                                   "HTV.",
        "pack_cert_sweep_other": "The appendix shows each area as {param} runs from {start} "
                                 "to {stop}.",
        "pack_glossary": "Terms used",
        "pack_glossary_intro": "The few terms this pack cannot do without.",
        "pack_term_htv": "HTV (person-year)",
        "pack_def_htv": "One person working full time for a year; two half-time people are "
                        "one HTV. Allocated in steps of {g} HTV (about {days} working days).",
        "pack_term_area": "Responsibility area",
        "pack_def_area": "The municipalities served together from one office; here {areas}.",
        "pack_term_line": "Service line",
        "pack_def_line": "One of the {n} kinds of customer service, each with its own share "
                         "of the person-years (here {shares}).",
        "pack_term_central": "Central services",
        "pack_def_central": "Services run for the whole area at the lead municipality; the "
                            "municipalities share their cost by the agreed key.",
        "pack_term_quota": "Quota (caseload target)",
        "pack_def_quota": "What a municipality would get if person-years could be split "
                          "exactly in proportion to its weighted caseload; the proposal keeps "
                          "as close to it as steps of {g} HTV and the rules allow.",
        "pack_term_weighted": "Weighted caseload",
        "pack_def_weighted": "The customer groups each service line counts (such as "
                             "long-term unemployed or young people), each with its weight.",
        "pack_term_tolerance": "Tolerance",
        "pack_def_tolerance": "How far a service line's share may move from its target "
                              "(here ±{tol} percentage points: {share} % means {low}–{high} "
                              "%).",
        "pack_term_scenario": "Scenario",
        "pack_def_scenario": "The proposal with one assumption changed, to answer one "
                             "question; allocated by the same rules.",
        "pack_term_proven": "Proven, checked",
        "pack_def_proven": "The solver proved that no split is closer to the caseload; an "
                           "independent check then re-counted every rule.",
        "pack_appendix": "Appendix",
        "pack_appendix_intro": "Material for analysts: how the split was computed, the full "
                               "sensitivity analyses, one split for all scenarios, and what "
                               "reproduces this pack.",
        "pack_s3_more": "Other comparisons",
        "pack_s3_more_intro": "The scenarios' service-line shares and costs, the central "
                              "services' sharing keys and the scenarios' solver verdicts.",
    },
    "fi": {
        "pack_sum": "Päätösesitys",
        "pack_costs_where": "Kunkin kunnan kustannus on päätösesityksessä; liite ”Muut "
                            "vertailut” erittelee sen osat sentilleen.",
        "pack_costs_table_cents": "Kustannukset kunnittain sentilleen [euroa/vuosi]: osat "
                                  "täsmäävät summiin",
        "pack_costs_rounded": "Täysinä euroina; rivi voi poiketa pyöristettyjen osiensa "
                              "summasta euron verran; liite ”Muut vertailut” antaa summat "
                              "sentilleen.",
        "pack_input_total": "resurssin koko (henkilötyövuodet yhteensä)",
        "pack_assumed_costs_htv_eur": "Henkilötyövuoden hinta",
        "pack_assumed_costs_offices_eur": "Toimipisteiden toimintakulut",
        "pack_assumed_costs_office_costs": "Kuka maksaa toimipisteen",
        "pack_assumed_costs_central_key": "Keskitettyjen palvelujen jakoperuste",
        "pack_assumed_costs_reference": "Vertailujako",
        "pack_assumed_continuity_current": "Nykyinen miehitys",
        "pack_assumed_continuity_max_change_htv": "Suurin muutos toimipistettä kohden",
        "pack_assumed_continuity_move_weight": "Henkilöstön siirron hinta",
        "pack_input_weight": "painoarvo: {feature}",
        "pack_input_share": "tavoiteosuus",
        "pack_input_tolerance": "osuuden toleranssi",
        "pack_input_persons": "henkilöä / HTV",
        "pack_input_size": "koko",
        "pack_input_min_htv": "vähimmäismiehitys",
        "pack_input_max_htv": "enimmäismiehitys",
        "pack_field_total_htv": "henkilötyövuodet yhteensä",
        "pack_field_offices": "toimipisteet",
        "pack_field_central_services": "keskitetyt palvelut",
        "pack_field_municipalities": "kunnat",
        "pack_field_areas": "vastuualueet",
        "pack_field_service_lines": "palvelulinjat",
        "pack_reasons_as_written": " Perustelut ovat skenaariotiedostosta sellaisinaan "
                                   "(englanniksi).",
        "pack_tie_broken": "Tasatilanne ratkaistu: useampi jako oli täsmälleen yhtä hyvä, ja "
                           "kiinteä sääntö valitsi yhden, joten sama lähtötieto antaa aina "
                           "saman jaon.",
        "pack_change_axis": "Muutos esitykseen verrattuna [HTV]",
        "pack_no_change": "ei muutosta kunnittain",
        "pack_driven": "1 HTV / {persons} ({feature}; yhteensä {count})",
        "pack_sum_proposal": "Työllisyyslautakunta hyväksyy työvoimapalvelujen {total} "
                             "henkilötyövuoden (HTV) jaon alla olevan taulukon mukaisesti: "
                             "{customer} HTV asiakaspalvelua {n} vastuualueelle niiden "
                             "asiakasmäärien suhteessa ja {central} HTV keskitettyjä palveluja "
                             "vastuukuntaan ({lead}).",
        "pack_sum_cost": "Kunnat maksavat siitä yhteensä {eur} euroa vuodessa; kukin maksaa "
                         "asukkaidensa asiakaspalvelun ja osuuden keskitetyistä palveluista "
                         "jakoperusteella {sharing}.",
        "pack_sum_ratio": "Koko alueella yksi asiakaspalvelun henkilötyövuosi on {ratio} "
                          "työtöntä työnhakijaa kohden, alueittain {low} ({low_area}) – {high} "
                          "({high_area}).",
        "pack_sum_checked": "Tarkistettu: mikään muu sääntöjen mukainen jako ei ole lähempänä "
                            "asiakasmääriä (todistettu), ja jokainen sääntö tarkistettiin "
                            "vielä erikseen.",
        "pack_sum_not_checked": "Huomio: {what}.",
        "pack_sum_none": "Esitykselle ei löydy jakoa: sen säännöt eivät voi olla voimassa "
                         "yhtä aikaa. Liite nimeää ristiriitaiset säännöt ja keinot ratkaista "
                         "ne.",
        "pack_sum_table": "Esitys kunnittain ja vastuualueittain",
        "pack_col_area_office": "Vastuualue (toimipiste)",
        "pack_col_customer_people": "Asiakaspalvelu [HTV]",
        "pack_col_central_share": "Osuus keskitetyistä palveluista [HTV]",
        "pack_col_in_all": "Yhteensä [HTV]",
        "pack_col_eur_year": "Kustannus [euroa/vuosi]",
        "pack_sum_area_total": "Vastuualue {area} yhteensä",
        "pack_sum_central_row": "Keskitetyt palvelut, {lead} (koko alueen henkilöstöä)",
        "pack_sum_total_row": "Koko työllisyysalue",
        "pack_sum_table_note": "Kunnan osuus keskitetyistä palveluista on se osa niiden "
                               "henkilötyövuosista, jonka kunta maksaa jakoperusteen mukaan; "
                               "kunnan kustannukseen sisältyvät se ja kuntaa palvelevien "
                               "toimipisteiden toimintakulut.",
        "pack_sum_scenarios": "Mitä muut skenaariot muuttaisivat",
        "pack_sum_scenarios_intro": "Kukin rivi on kysymys, jonka lautakunta voi esittää, ja "
                                    "mitä vastaus muuttaisi kunkin kunnan kohdalla esitykseen "
                                    "verrattuna: asiakaspalvelun henkilötyövuodet (ylempi "
                                    "luku) ja kustannus vuodessa (alempi).",
        "pack_col_question_why": "Kysymys ja miksi se muuttaa mitä muuttaa",
        "pack_why_budget_up": "yhteensä {delta} HTV enemmän ({total} HTV): jokainen alue saa "
                              "lisää, eniten {area} ({change})",
        "pack_why_budget_down": "yhteensä {delta} HTV vähemmän ({total} HTV): jokainen alue "
                                "menettää, eniten {area} ({change})",
        "pack_why_budget_mixed": "yhteensä {delta} HTV ({total} HTV): {changes}",
        "pack_why_central_up": "keskitetty palvelu ”{service}” kasvaa {delta} HTV ({before} → "
                               "{after} HTV)",
        "pack_why_central_down": "keskitetty palvelu ”{service}” pienenee {delta} HTV "
                                 "({before} → {after} HTV)",
        "pack_why_central_removed": "”{service}” ei ole keskitetty: sen {before} HTV siirtyy "
                                    "alueiden asiakaspalveluun",
        "pack_why_central_added": "uusi keskitetty palvelu ”{service}” vie {after} HTV",
        "pack_why_all_lose": "jokainen alue menettää hieman ({changes}), koska {cause}",
        "pack_why_all_gain": "jokainen alue saa lisää ({changes}), koska {cause}",
        "pack_why_shares": "alueiden osuudet painotetusta asiakasmäärästä muuttuvat: {changes}",
        "pack_why_share_up": "{area} {before} → {after} %",
        "pack_why_share_down": "{area} {before} → {after} %",
        "pack_why_share_htv": "{area} {before} → {after} % ({change} HTV)",
        "pack_why_lines": "palvelulinjojen tavoiteosuudet muuttuvat ({changes}), joten "
                          "{moved} HTV siirtyy linjalta toiselle; mikään alue ei muutu yli "
                          "{largest} HTV",
        "pack_why_line": "{line} {before} → {after} %",
        "pack_why_new_office": "{htv} HTV siirtyy uuteen toimipisteeseen ”{office}” (pois: "
                               "{source})",
        "pack_why_new_office_alone": "uusi toimipiste ”{office}” saa {htv} HTV",
        "pack_why_no_area_change": "yhdenkään alueen kokonaismäärä ei muutu, mutta {moves}",
        "pack_why_offices_and": "{moves}",
        "pack_why_closed_office": "toimipiste ”{office}” suljetaan (ennen {htv} HTV)",
        "pack_why_key": "henkilöstö ei muutu; vain keskitettyjen palvelujen maksuosuudet "
                        "muuttuvat (jakoperuste {new}, ei {old}): {changes}",
        "pack_why_costs_only": "vain toimipisteiden toimintakulut jakautuvat kuntien kesken "
                               "toisin: {changes}",
        "pack_why_cap": "nykyinen miehitys säilyy {cap} HTV:n sisällä toimipisteittäin: "
                        "{changes}",
        "pack_why_other": "alueet muuttuvat: {changes}",
        "pack_why_nothing": "mikään ei muutu yhdenkään kunnan kohdalla",
        "pack_why_no_allocation": "ei jakoa: skenaarion säännöt eivät voi olla voimassa yhtä "
                                  "aikaa (liite kertoo mitkä)",
        "pack_why_and": " ja ",
        "pack_eur_change": "{value} €",
        "pack_alloc_intro": "Esitys tarkemmin: mitä kukin vastuualue ja palvelulinja saa, "
                            "keskitetyt palvelut, toimipisteet ja kustannukset.",
        "pack_changes": "Mitä kukin skenaario muuttaa",
        "pack_changes_intro": "Muutos esitykseen verrattuna kunnittain ja vastuualueittain. "
                              "Palkki oikealle: enemmän henkilötyövuosia kuin esityksessä; "
                              "vasemmalle: vähemmän.",
        "pack_cap_muni_delta": "Kunkin kunnan asiakaspalvelun muutos esitykseen verrattuna "
                               "[HTV], arvo palkin päässä; keskitetyt palvelut harmaalla, jos "
                               "ne muuttuvat.",
        "pack_certainty": "Kuinka varma jako on",
        "pack_certainty_intro": "Pysyisikö esitys, jos sen taustaluvut olisivat hieman "
                                "toiset? Liitteessä ovat täydet taulukot.",
        "pack_cert_tornado": "Resurssin kokoa lukuun ottamatta mikään esityksen luku, jota "
                             "muutetaan {pct} % ylös tai alas, ei muuta mitään aluetta yli "
                             "{largest} HTV; eniten merkitsee {input}, joka muuttaa aluetta "
                             "{area} enimmillään sen verran.",
        "pack_cert_tornado_none": "Kun mitä tahansa esityksen lukua muutetaan {pct} % ylös "
                                  "tai alas, minkään alueen henkilötyövuodet eivät muutu.",
        "pack_cert_mc": "Jos asiakasmäärät vaihtelisivat satunnaisesti ({runs} arvontaa), "
                        "yhdeksässä arvonnassa kymmenestä kukin alue pysyisi {band} HTV:n "
                        "päässä esityksestä (eniten vaihtelee {area}).",
        "pack_cert_sweep": "Kun resurssi on mitä tahansa {start}–{stop} HTV, mikään alue ei "
                           "menetä henkilötyövuosia resurssin kasvaessa.",
        "pack_cert_sweep_paradox": "Kun resurssi on {start}–{stop} HTV, pyöristys saa alueen "
                                   "menettämään henkilötyövuosia resurssin kasvaessa "
                                   "{steps} askeleella; suurin: {name} {before} → {after} HTV.",
        "pack_cert_sweep_other": "Liite näyttää kunkin alueen, kun {param} on {start}–{stop}.",
        "pack_glossary": "Käsitteet",
        "pack_glossary_intro": "Ne harvat käsitteet, joita aineisto ei voi välttää.",
        "pack_term_htv": "HTV (henkilötyövuosi)",
        "pack_def_htv": "Yhden kokoaikaisen henkilön vuoden työ; kaksi puolipäiväistä on yksi "
                        "HTV. Jaetaan {g} HTV:n askelin (noin {days} työpäivää).",
        "pack_term_area": "Vastuualue",
        "pack_def_area": "Yhdestä toimipisteestä yhdessä palvellut kunnat; tässä {areas}.",
        "pack_term_line": "Palvelulinja",
        "pack_def_line": "Yksi asiakaspalvelun {n} lajista, joilla kullakin on oma osuutensa "
                         "henkilötyövuosista (tässä {shares}).",
        "pack_term_central": "Keskitetyt palvelut",
        "pack_def_central": "Koko alueelle vastuukunnassa tuotetut palvelut; kunnat jakavat "
                            "niiden kustannukset sovitulla jakoperusteella.",
        "pack_term_quota": "Kiintiö (asiakasmäärän mukainen tavoite)",
        "pack_def_quota": "Se, mitä kunta saisi, jos henkilötyövuodet voisi jakaa täsmälleen "
                          "sen painotetun asiakasmäärän suhteessa; esitys pysyy niin lähellä "
                          "sitä kuin {g} HTV:n askeleet ja säännöt sallivat.",
        "pack_term_weighted": "Painotettu asiakasmäärä",
        "pack_def_weighted": "Asiakasryhmät, jotka kukin palvelulinja laskee (kuten "
                             "pitkäaikaistyöttömät tai nuoret), kukin omalla painollaan.",
        "pack_term_tolerance": "Toleranssi",
        "pack_def_tolerance": "Kuinka paljon palvelulinjan osuus saa poiketa tavoitteesta "
                              "(tässä ±{tol} prosenttiyksikköä: {share} % tarkoittaa "
                              "{low}–{high} %).",
        "pack_term_scenario": "Skenaario",
        "pack_def_scenario": "Esitys, jossa yksi oletus on muutettu yhteen kysymykseen "
                             "vastaamiseksi; jaetaan samoilla säännöillä.",
        "pack_term_proven": "Todistettu, tarkistettu",
        "pack_def_proven": "Ratkaisija todisti, ettei mikään jako ole lähempänä "
                           "asiakasmääriä; riippumaton tarkistus laski sitten jokaisen "
                           "säännön uudelleen.",
        "pack_appendix": "Liitteet",
        "pack_appendix_intro": "Aineisto analyytikoille: miten jako laskettiin, täydet "
                               "herkkyysanalyysit, yksi jako kaikille skenaarioille ja tiedot, "
                               "joilla aineiston voi tuottaa uudelleen.",
        "pack_s3_more": "Muut vertailut",
        "pack_s3_more_intro": "Skenaarioiden palvelulinjojen osuudet ja kustannukset, "
                              "keskitettyjen palvelujen jakoperusteet ja skenaarioiden "
                              "ratkaisutulokset.",
    },
}
for _lang, _texts in SUMMARY_TEXT.items():
    PACK_TEXT[_lang].update(_texts)
