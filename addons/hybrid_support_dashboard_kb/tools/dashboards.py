"""The Self-service and ROI dashboards, written as data with the builders of
``hybrid_support_dashboard`` (same layout, filters and sample versions).
``python3 ../hybrid_support_dashboard/tools/dashboards.py .`` (from the
addon's folder) writes ``data/files/``; a test checks that the files match
this module.
"""

from pathlib import Path

try:
    from odoo.addons.hybrid_support_dashboard.tools import dashboards as base
except ImportError:  # outside Odoo: loaded by base.load_addon_builders
    import hs_dashboards as base

SELF_SERVICE = "hybrid.support.kb.self.service.report"
SEARCH = "hybrid.support.kb.search"
EVENT = "hybrid.support.kb.event"
GAP = "hybrid.support.kb.gap"
ROI = "hybrid.support.roi.report"

FROM_SELF_SERVICE = {"model": SELF_SERVICE, "date_field": "date"}
FROM_SEARCH = {"model": SEARCH, "team_field": None}
FROM_EVENTS = {"model": EVENT}
FROM_ROI = {"model": ROI, "date_field": "date"}
GAP_MATCHING = {base.PERIOD: {"chain": "date", "type": "date"}}

DASHBOARDS = {
    "self_service": (
        "Self-service",
        [
            (
                "Self-service rate %",
                "self_service_rate",
                "avg",
                [],
                38,
                FROM_SELF_SERVICE,
            ),
            (
                "Deflected before submission",
                "deflection_count",
                "sum",
                [],
                57,
                FROM_SELF_SERVICE,
            ),
            (
                "Cases opened on the portal",
                "case_count",
                "sum",
                [],
                93,
                FROM_SELF_SERVICE,
            ),
            ("Help-center searches", "__count", "count", [], 640, FROM_SEARCH),
            (
                "Searches with no result",
                "__count",
                "count",
                [["no_result", "=", True]],
                71,
                {**FROM_SEARCH, "lower_is_better": True},
            ),
            (
                "Articles read",
                "__count",
                "count",
                [["event_type", "=", "viewed"]],
                820,
                FROM_EVENTS,
            ),
            (
                "Rated helpful",
                "__count",
                "count",
                [["event_type", "=", "helpful"]],
                130,
                FROM_EVENTS,
            ),
            (
                "Rated not helpful",
                "__count",
                "count",
                [["event_type", "=", "not_helpful"]],
                22,
                {**FROM_EVENTS, "lower_is_better": True},
            ),
        ],
        [
            (
                "Self-service rate % by week",
                ["date:week"],
                "self_service_rate",
                "line",
                {"model": SELF_SERVICE, "matching": base._matching("date")},
            ),
            (
                "Searches by week",
                ["create_date:week", "outcome"],
                "__count",
                "bar",
                {
                    "model": SEARCH,
                    "stacked": True,
                    "legend": "top",
                    "matching": base._matching(team_field=None),
                },
            ),
            (
                "Most helpful articles",
                ["article_id"],
                "__count",
                "bar",
                {
                    "model": EVENT,
                    "domain": [["event_type", "=", "helpful"]],
                    "order": "DESC",
                },
            ),
            (
                "Least helpful articles",
                ["article_id"],
                "__count",
                "bar",
                {
                    "model": EVENT,
                    "domain": [["event_type", "=", "not_helpful"]],
                    "order": "DESC",
                },
            ),
            (
                "Knowledge gaps (cases in the period)",
                ["name"],
                "size",
                "bar",
                {
                    "model": GAP,
                    "domain": [["kind", "=", "gap"], ["state", "=", "new"]],
                    "order": "DESC",
                    "matching": GAP_MATCHING,
                },
            ),
            (
                "Searches with no result",
                ["query"],
                "__count",
                "bar",
                {
                    "model": SEARCH,
                    "domain": [["no_result", "=", True]],
                    "order": "DESC",
                    "matching": base._matching(team_field=None),
                },
            ),
        ],
    ),
    "roi": (
        "Return on investment",
        [
            ("Savings from self-service", "savings", "sum", [], 1282, FROM_ROI),
            ("Self-service resolutions", "deflection_count", "sum", [], 57, FROM_ROI),
            ("Assisted cases", "case_count", "sum", [], 412, FROM_ROI),
            ("Drafts sent", "draft_used_count", "sum", [], 96, FROM_ROI),
            ("Agent hours saved by drafts", "hours_saved", "sum", [], 7.4, FROM_ROI),
        ],
        [
            (
                "Savings from self-service by week",
                ["date:week"],
                "savings",
                "bar",
                {"model": ROI, "matching": base._matching("date")},
            ),
            (
                "Agent hours saved by drafts by week",
                ["date:week"],
                "hours_saved",
                "bar",
                {"model": ROI, "matching": base._matching("date")},
            ),
            (
                "Savings by team",
                ["team_id"],
                "savings",
                "bar",
                {"model": ROI, "matching": base._matching("date"), "order": "DESC"},
            ),
            (
                "Agent hours saved by team",
                ["team_id"],
                "hours_saved",
                "bar",
                {"model": ROI, "matching": base._matching("date"), "order": "DESC"},
            ),
        ],
    ),
}


def build(key, sample=False):
    name, kpis, charts = DASHBOARDS[key]
    return base.build_document(name, kpis, charts, sample)


def write_files(folder):
    folder = Path(folder)
    for key in DASHBOARDS:
        (folder / f"{key}_dashboard.json").write_text(base.dump(build(key)))
        (folder / f"{key}_sample_dashboard.json").write_text(
            base.dump(build(key, sample=True))
        )
