"""The Portal adoption dashboard, written as data with the builders of
``hybrid_support_dashboard`` (same layout and sample version), plus what
they do not have: scorecards that are ratios of two sums, a *Waves* filter
instead of *Teams*, and the rollout goals as a "baseline → now → goal" table.
``python3 ../hybrid_support_dashboard/tools/dashboards.py .`` (from the
addon's folder) writes ``data/files/``; a test checks that the files match
this module.
"""

from pathlib import Path

try:
    from odoo.addons.hybrid_support_dashboard.tools import dashboards as base
except ImportError:  # outside Odoo: loaded by base.load_addon_builders
    import hs_dashboards as base

ADOPTION = "hybrid.support.rollout.adoption.report"
GOAL = "hybrid.support.rollout.goal"
WAVE = "hs-wave"
WAVE_FILTER = {
    "id": WAVE,
    "type": "relation",
    "label": "Waves",
    "modelName": "hybrid.support.rollout.wave",
    "domainOfAllowedValues": [],
    "includeChildren": False,
}
CONTACTS = [["kind", "=", "contact"]]
RATINGS = [["kind", "=", "rating"]]
FROM_ADOPTION = {"model": ADOPTION, "date_field": "date", "team_field": None}
# a rise is bad news: the scorecard shows it red
FROM_ADOPTION_LOWER = dict(FROM_ADOPTION, lower_is_better=True)


def _matching(date_field="date"):
    matching = base._matching(date_field, team_field=None)
    matching[WAVE] = {"chain": "wave_id", "type": "many2one"}
    return matching


# label, measure, aggregator, domain, sample value, source (base.build_document)
KPIS = [
    ("Invited", "access_count", "sum", CONTACTS, 120, FROM_ADOPTION),
    ("Activated", "activated_count", "sum", CONTACTS, 74, FROM_ADOPTION),
    ("Activation rate %", "activation_rate", "avg", CONTACTS, 61.7, FROM_ADOPTION),
    (
        "Time to first value (h)",
        "hours_to_first_value",
        "avg",
        CONTACTS,
        26.5,
        FROM_ADOPTION_LOWER,
    ),
    ("Nudges sent", "nudge_count", "sum", CONTACTS, 210, FROM_ADOPTION),
    ("Replies in the portal %", None, None, CONTACTS, 58.3, FROM_ADOPTION),
    ("Searches per activated", None, None, CONTACTS, 3.2, FROM_ADOPTION),
    (
        "Email/portal duplicates",
        "duplicate_count",
        "sum",
        CONTACTS,
        4,
        FROM_ADOPTION_LOWER,
    ),
    (
        "CSAT wave customers",
        "rating",
        "avg",
        RATINGS + [["segment", "=", "wave"]],
        4.4,
        FROM_ADOPTION,
    ),
    (
        "CSAT other customers",
        "rating",
        "avg",
        RATINGS + [["segment", "=", "other"]],
        4.0,
        FROM_ADOPTION,
    ),
]
# scorecards that are a ratio of sums (a mean of per-contact ratios would
# weigh a contact with one reply as much as one with fifty):
# label: (numerator, denominator terms, scale)
RATIOS = {
    "Replies in the portal %": (
        "portal_reply_count",
        ["portal_reply_count", "email_reply_count"],
        100,
    ),
    # help-center searches per activated contact
    "Searches per activated": ("help_search_count", ["activated_count"], 1),
}

CHARTS = [
    (
        "Contacts by wave and invitation",
        ["wave_id", "invite_state"],
        "__count",
        "bar",
        {
            "model": ADOPTION,
            "domain": CONTACTS,
            "stacked": True,
            "legend": "top",
            "matching": _matching(),
        },
    ),
    (
        "Activation rate % by wave",
        ["wave_id"],
        "activation_rate",
        "bar",
        {"model": ADOPTION, "domain": CONTACTS, "matching": _matching()},
    ),
    (
        "Activations by week",
        ["activated_date:week"],
        "activated_count",
        "bar",
        {
            "model": ADOPTION,
            "domain": CONTACTS + [["activated_date", "!=", False]],
            "matching": _matching("activated_date"),
        },
    ),
    (
        "Time to first value (h) by wave",
        ["wave_id"],
        "hours_to_first_value",
        "bar",
        {"model": ADOPTION, "domain": CONTACTS, "matching": _matching()},
    ),
    (
        "First value: what customers did first",
        ["first_value_kind"],
        "__count",
        "bar",
        {
            "model": ADOPTION,
            "domain": CONTACTS + [["first_value_kind", "!=", False]],
            "order": "DESC",
            "matching": _matching(),
        },
    ),
    (
        "CSAT by week: wave customers vs others",
        ["date:week", "segment"],
        "rating",
        # bars: a week without a rating of one side shows no bar, where a
        # line would drop to 0
        "bar",
        {
            "model": ADOPTION,
            "domain": RATINGS,
            "legend": "top",
            "matching": _matching(),
        },
    ),
]

# charts by week and a second grouping: the weeks Odoo's graph fills in
# (fill_temporal) would draw a series "None" at 0
UNFILLED = {"CSAT by week: wave customers vs others"}

GOALS_TITLE = "Goals: baseline → now → goal"
# below the last row of charts (rows 11, 29 and 47, 15 rows high)
GOALS_ROW = 65
GOALS_SAMPLE = [
    ("First response (working hours)", 6.6, 2.1, 0.5),
    ("Satisfied customers (%)", 72, 78, 85),
    ("Active customers on the portal (%)", 0, 24, 60),
    ("Follow-ups asking for the status (%)", 53.3, 31, 5),
]


def _ratio_formula(pivot_id, numerator, terms, scale):
    def value(measure):
        return f'PIVOT.VALUE({pivot_id},"{measure}:sum")'

    whole = "+".join(value(term) for term in terms)
    return f"=ROUND(IFERROR({scale}*{value(numerator)}/({whole}),0),{2 if scale == 1 else 1})"


def _goals_pivot(pivot_id):
    return {
        "type": "ODOO",
        "id": pivot_id,
        "formulaId": pivot_id,
        "name": "Goals",
        "model": GOAL,
        "domain": [],
        "context": {},
        "measures": [
            {
                "id": f"{field}:sum",
                "fieldName": field,
                "aggregator": "sum",
                "userDefinedName": title,
            }
            for field, title in (
                ("baseline_value", "Baseline"),
                ("now_value", "Now"),
                ("target_value", "Goal"),
            )
        ],
        # one column group per baseline: no sum of different KPIs
        "columns": [{"fieldName": "baseline_id"}],
        "rows": [{"fieldName": "kpi"}],
        "sortedColumn": None,
        # a goal belongs to a baseline, neither to a period nor to a wave
        "fieldMatching": {},
    }


def build(sample=False):
    document = base.build_document(
        "Portal adoption",
        [kpi if kpi[1] else (*kpi[:1], "__count", "count", *kpi[3:]) for kpi in KPIS],
        CHARTS,
        sample,
    )
    document["globalFilters"] = [
        flt for flt in document["globalFilters"] if flt["id"] == base.PERIOD
    ] + [WAVE_FILTER]
    data = document["sheets"][1]["cells"]
    for index, (label, *_rest) in enumerate(KPIS):
        if label not in RATIOS or sample:
            continue
        numerator, terms, scale = RATIOS[label]
        measures = list(dict.fromkeys([numerator, *terms]))
        for column, pivot_id in (("B", str(2 * index + 1)), ("C", str(2 * index + 2))):
            document["pivots"][pivot_id]["measures"] = [
                {"id": f"{m}:sum", "fieldName": m, "aggregator": "sum"}
                for m in measures
            ]
            data[f"{column}{index + 2}"] = _ratio_formula(
                pivot_id, numerator, terms, scale
            )
    for figure in document["sheets"][0]["figures"]:
        if figure["data"]["title"]["text"] in UNFILLED:
            figure["data"]["searchParams"]["context"] = {"fill_temporal": False}
    for pivot in document["pivots"].values():
        pivot["fieldMatching"][WAVE] = {"chain": "wave_id", "type": "many2one"}
    sheet = document["sheets"][0]
    sheet["cells"][f"A{GOALS_ROW}"] = GOALS_TITLE
    sheet["styles"][f"A{GOALS_ROW}"] = 2
    # column B holds the baseline's name above its three figures
    sheet["cols"] = {"0": {"size": 300}, "1": {"size": 260}, "2": {"size": 110}}
    document["styles"]["2"] = {"bold": True, "fontSize": 13, "textColor": "#434343"}
    if sample:
        for offset, row in enumerate(
            [("KPI", "Baseline", "Now", "Goal"), *GOALS_SAMPLE], start=1
        ):
            for column, value in zip("ABCD", row, strict=True):
                sheet["cells"][f"{column}{GOALS_ROW + offset}"] = str(value)
    else:
        goals_id = str(document["pivotNextId"])
        document["pivots"][goals_id] = _goals_pivot(goals_id)
        document["pivotNextId"] += 1
        # without totals: a sum of different KPIs means nothing
        sheet["cells"][f"A{GOALS_ROW + 1}"] = f"=PIVOT({goals_id},100,FALSE)"
    return document


def write_files(folder):
    folder = Path(folder)
    (folder / "portal_adoption_dashboard.json").write_text(base.dump(build()))
    (folder / "portal_adoption_sample_dashboard.json").write_text(
        base.dump(build(sample=True))
    )
