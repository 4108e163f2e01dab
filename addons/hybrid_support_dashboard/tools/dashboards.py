"""The suite's spreadsheet dashboards, written as data.

Each dashboard is an o-spreadsheet document: a *Dashboard* sheet of
scorecards (reading cells of a *Data* sheet, filled by ``PIVOT.VALUE``
formulas over ``hybrid.support.kpi.report``) and Odoo charts (grouped reads
of a model), with global filters for the period and the team. The sample
version has the same layout with fixed numbers, shown while a database has no
case yet. ``python3 tools/dashboards.py`` (from the addon's folder) writes
``data/files/``; a test checks that the files match this module.

The dashboard addons that build on these builders (``hybrid_support_dashboard_kb``,
``hybrid_support_rollout_dashboard``) import them from here within Odoo; outside
Odoo, ``python3 tools/dashboards.py ../<addon>`` writes their files too
(``load_addon_builders``).
"""

import importlib.util
import json
import sys
from pathlib import Path

# the name a dashboard addon imports these builders by outside Odoo
SCRIPT_NAME = "hs_dashboards"

VERSION = "18.4.14"
REPORT = "hybrid.support.kpi.report"
PERIOD = "hs-period"
TEAM = "hs-team"
FILTERS = [
    {"id": PERIOD, "type": "date", "label": "Period", "defaultValue": "last_90_days"},
    {
        "id": TEAM,
        "type": "relation",
        "label": "Teams",
        "modelName": "helpdesk.ticket.team",
        "domainOfAllowedValues": [],
        "includeChildren": False,
    },
]
# fits the dashboards' pane beside Odoo's list of dashboards on a 1440 px screen
WIDTH, CARD_W, CARD_H, GAP = 1200, 216, 102, 30


def _matching(date_field="create_date", team_field="team_id", offset=None):
    """How the period and team filters apply to a pivot or chart; a model
    without a team (``team_field=None``) follows the period only."""
    matching = {PERIOD: {"chain": date_field, "type": "datetime"}}
    if team_field:
        matching[TEAM] = {"chain": team_field, "type": "many2one"}
    if offset is not None:
        matching[PERIOD]["offset"] = offset
    return matching


def _pivot(pivot_id, name, measures, domain=(), model=REPORT, offset=0, **match):
    return {
        "type": "ODOO",
        "id": pivot_id,
        "formulaId": pivot_id,
        "name": name,
        "model": model,
        "domain": list(domain),
        "context": {},
        "measures": [
            {
                "id": f"{field}:{aggregator}" if field != "__count" else "__count",
                "fieldName": field,
                "aggregator": aggregator,
            }
            for field, aggregator in measures
        ],
        "columns": [],
        "rows": [],
        "sortedColumn": None,
        "fieldMatching": _matching(offset=offset, **match),
    }


GOOD, BAD = "#00A04A", "#DC6965"


def _scorecard(fig_id, title, row, x, value_cell, baseline_cell, lower_is_better=False):
    return {
        "id": fig_id,
        "col": 0,
        "row": row,
        "offset": {"x": x, "y": 4},
        "width": CARD_W,
        "height": CARD_H,
        "tag": "chart",
        "data": {
            "type": "scorecard",
            "title": {"text": title, "bold": True, "color": "#434343"},
            "background": "#EFF6FF",
            "keyValue": f"Data!{value_cell}",
            "baseline": f"Data!{baseline_cell}",
            "baselineMode": "difference",
            "baselineDescr": {"text": "vs previous period"},
            # a rise is good news, except for times, backlogs and failures
            "baselineColorUp": BAD if lower_is_better else GOOD,
            "baselineColorDown": GOOD if lower_is_better else BAD,
            "humanize": True,
        },
    }


def _chart(fig_id, title, row, x, width, group_by, measure, mode="bar", **extra):
    model = extra.get("model", REPORT)
    domain = extra.get("domain", [])
    return {
        "id": fig_id,
        "col": 0,
        "row": row,
        "offset": {"x": x, "y": 4},
        "width": width,
        "height": 330,
        "tag": "chart",
        "data": {
            "type": f"odoo_{mode}",
            "title": {"text": title, "bold": True, "color": "#434343"},
            "background": "#FFFFFF",
            "legendPosition": extra.get("legend", "none"),
            "metaData": {
                "groupBy": group_by,
                "measure": measure,
                "order": extra.get("order"),
                "resModel": model,
                "mode": mode,
            },
            "searchParams": {
                "comparison": None,
                "context": {},
                "domain": domain,
                "groupBy": group_by,
                "orderBy": [],
            },
            "dataSets": [],
            "verticalAxisPosition": "left",
            "stacked": extra.get("stacked", False),
            "fieldMatching": extra.get("matching") or _matching(),
        },
    }


def build_document(name, kpis, charts, sample):
    """``kpis``: (label, measure, aggregator, domain, sample value[, source])
    per scorecard, ``source`` a dict of ``model``, ``date_field`` and
    ``team_field`` when the KPI is not read from the KPI report, and
    ``lower_is_better`` when a rise is bad news (its scorecard shows it red);
    ``charts``: (title, group_by, measure, mode, extra) per chart."""
    data_cells = {"A1": "KPI", "B1": "Current", "C1": "Previous"}
    pivots, figures = {}, []
    for index, kpi in enumerate(kpis):
        label, measure, aggregator, domain, sample_value, *source = kpi
        source = dict(source[0]) if source else {}
        lower_is_better = source.pop("lower_is_better", False)
        row, current, previous = index + 2, str(2 * index + 1), str(2 * index + 2)
        data_cells[f"A{row}"] = label
        value = "__count" if measure == "__count" else f"{measure}:{aggregator}"
        for column, pivot_id, offset in (("B", current, 0), ("C", previous, -1)):
            pivots[pivot_id] = _pivot(
                pivot_id,
                f"{label} ({'current' if not offset else 'previous'})",
                [(measure, aggregator)],
                domain,
                offset=offset,
                **source,
            )
            data_cells[f"{column}{row}"] = (
                str(round(sample_value * (1 if not offset else 0.9), 1))
                if sample
                else f'=ROUND(IFERROR(PIVOT.VALUE({pivot_id},"{value}"),0),1)'
            )
        figures.append(
            _scorecard(
                f"{name}-kpi-{index}",
                label,
                1 + 5 * (index // 5),
                (index % 5) * (CARD_W + GAP),
                f"B{row}",
                f"C{row}",
                lower_is_better,
            )
        )
    for index, (title, group_by, measure, mode, extra) in enumerate(charts):
        figures.append(
            _chart(
                f"{name}-chart-{index}",
                title,
                11 + 18 * (index // 2),
                (index % 2) * (WIDTH / 2 + GAP / 2),
                WIDTH / 2 - GAP,
                group_by,
                measure,
                mode,
                **extra,
            )
        )
    cells = {"A1": f"{name}"}
    return {
        "version": VERSION,
        "sheets": [
            {
                "id": "dashboard",
                "name": "Dashboard",
                "colNumber": 26,
                "rowNumber": 100,
                "rows": {},
                "cols": {},
                "merges": [],
                "cells": cells,
                "styles": {"A1": 1},
                "formats": {},
                "borders": {},
                "conditionalFormats": [],
                "dataValidationRules": [],
                "figures": figures,
                "tables": [],
                "areGridLinesVisible": False,
                "isVisible": True,
                "headerGroups": {"ROW": [], "COL": []},
                "comments": {},
            },
            {
                "id": "data",
                "name": "Data",
                "colNumber": 5,
                "rowNumber": max(len(kpis) + 2, 20),
                "rows": {},
                "cols": {"0": {"size": 220}},
                "merges": [],
                "cells": data_cells,
                "styles": {},
                "formats": {},
                "borders": {},
                "conditionalFormats": [],
                "dataValidationRules": [],
                "figures": [],
                "tables": [],
                "areGridLinesVisible": True,
                "isVisible": True,
                "headerGroups": {"ROW": [], "COL": []},
                "comments": {},
            },
        ],
        "styles": {"1": {"bold": True, "fontSize": 16, "textColor": "#01666B"}},
        "formats": {},
        "borders": {},
        "revisionId": "START_REVISION",
        "uniqueFigureIds": True,
        "settings": {
            "locale": {
                "name": "English (US)",
                "code": "en_US",
                "thousandsSeparator": ",",
                "decimalSeparator": ".",
                "dateFormat": "mm/dd/yyyy",
                "timeFormat": "hh:mm:ss",
                "formulaArgSeparator": ",",
                "weekStart": 1,
            }
        },
        "pivots": {} if sample else pivots,
        "pivotNextId": len(pivots) + 1,
        "customTableStyles": {},
        "globalFilters": FILTERS,
        "lists": {},
        "listNextId": 1,
        "chartOdooMenusReferences": {},
    }


LOWER_IS_BETTER = {"lower_is_better": True}
CLOSED = [["is_closed", "=", True]]
OPEN = [["is_closed", "=", False]]
WEEK = ["create_date:week"]

DASHBOARDS = {
    "support_overview": (
        "Support overview",
        [
            ("Cases opened", "__count", "count", [], 412),
            (
                "First response (working h)",
                "first_response_hours",
                "avg",
                [],
                3.4,
                LOWER_IS_BETTER,
            ),
            (
                "Resolution (working h)",
                "resolution_hours",
                "avg",
                CLOSED,
                11.8,
                LOWER_IS_BETTER,
            ),
            ("First-contact resolution %", "fcr_rate", "avg", CLOSED, 61),
            ("SLA met %", "sla_rate", "avg", CLOSED, 92),
            ("Open backlog", "__count", "count", OPEN, 57, LOWER_IS_BETTER),
            ("Reopened %", "reopen_rate", "avg", CLOSED, 6, LOWER_IS_BETTER),
            ("Escalated %", "escalation_rate", "avg", [], 4, LOWER_IS_BETTER),
        ],
        [
            ("Cases by channel", ["origin"], "__count", "bar", {"order": "DESC"}),
            ("SLA met % by week", WEEK, "sla_rate", "line", {}),
            (
                "First response (h) by team",
                ["team_id"],
                "first_response_hours",
                "bar",
                {},
            ),
            ("Backlog by team", ["team_id"], "__count", "bar", {"domain": OPEN}),
        ],
    ),
    "customers": (
        "Customers",
        [
            ("CSAT (1-5)", "rating", "avg", [], 4.2),
            ("CES (1-7)", "effort", "avg", [], 5.6),
            ("Rated cases", "rating", "count", [["rating", ">", 0]], 96),
        ],
        [
            ("CSAT by week", WEEK, "rating", "line", {}),
            ("CES by week", WEEK, "effort", "line", {}),
            (
                "Accounts at risk (health under 60)",
                ["partner_id"],
                "account_health",
                "bar",
                {"domain": [["account_health", "<", 60]], "order": "ASC"},
            ),
            (
                "Top accounts by volume",
                ["partner_id"],
                "__count",
                "bar",
                {"order": "DESC"},
            ),
        ],
    ),
    "ai_automation": (
        "AI and automation",
        [
            ("Auto-routed %", "auto_routed_rate", "avg", [], 72),
            ("Model override %", "override_rate", "avg", [], 8, LOWER_IS_BETTER),
            ("Draft used %", "draft_used_rate", "avg", CLOSED, 44),
            (
                "Draft edit rate",
                "draft_edit_rate",
                "avg",
                CLOSED,
                0.23,
                LOWER_IS_BETTER,
            ),
        ],
        [
            ("Override % by model version", ["ai_model"], "override_rate", "bar", {}),
            ("Draft edit rate by intent", ["intent_id"], "draft_edit_rate", "bar", {}),
            (
                "Routing by week",
                WEEK + ["routing"],
                "__count",
                "bar",
                {"stacked": True, "legend": "top"},
            ),
            (
                "Review queue by team",
                ["team_id"],
                "__count",
                "bar",
                {
                    "model": "helpdesk.ticket",
                    "domain": [
                        ["hs_intent_needs_review", "=", True],
                        ["stage_id.closed", "=", False],
                    ],
                },
            ),
        ],
    ),
}


def build(key, sample=False):
    name, kpis, charts = DASHBOARDS[key]
    return build_document(name, kpis, charts, sample)


def dump(document):
    return json.dumps(document, indent=1, sort_keys=True) + "\n"


def write_files(folder):
    folder = Path(folder)
    for key in DASHBOARDS:
        (folder / f"{key}_dashboard.json").write_text(dump(build(key)))
        (folder / f"{key}_sample_dashboard.json").write_text(
            dump(build(key, sample=True))
        )


def load_addon_builders(addon_dir):
    """``<addon_dir>/tools/dashboards.py`` of a dashboard addon, loaded by
    path outside Odoo, where ``odoo.addons`` is not importable: it finds
    these builders under ``SCRIPT_NAME``. The one by-path import of the
    dashboard addons."""
    sys.modules.setdefault(SCRIPT_NAME, sys.modules[__name__])
    addon_dir = Path(addon_dir).resolve()
    spec = importlib.util.spec_from_file_location(
        f"{SCRIPT_NAME}_{addon_dir.name}", addon_dir / "tools" / "dashboards.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    # python3 tools/dashboards.py [ADDON_DIR ...]: the files of this addon, or
    # of the named dashboard addons
    for addon in sys.argv[1:] or [Path(__file__).resolve().parent.parent]:
        builders = load_addon_builders(addon) if sys.argv[1:] else sys.modules[__name__]
        builders.write_files(Path(addon) / "data" / "files")
