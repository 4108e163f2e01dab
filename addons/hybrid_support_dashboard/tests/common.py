"""What the tests of the dashboard addons share (``hybrid_support_dashboard``,
``_dashboard_kb``, ``_rollout_dashboard``): a company with a helpdesk
manager and an agent, the check that the shipped files are the builders',
every query of a dashboard read as a user, and the ORM over
/web/dataset/call_kw as a logged-in user.

    from odoo.addons.hybrid_support_dashboard.tests.common import DashboardMixin

    class MyCase(DashboardMixin, TransactionCase):
        @classmethod
        def setUpClass(cls):
            super().setUpClass()
            cls.hs_company_with_manager_and_agent("My Co", "hs_my")
"""

import json
import tempfile
from pathlib import Path

from odoo.tests import new_test_user

MANAGERS = "helpdesk_mgmt.group_helpdesk_manager"
AGENTS = "helpdesk_mgmt.group_helpdesk_user"


def aggregate(measure):
    """A pivot's measure as ``_read_group`` takes it."""
    if measure["fieldName"] == "__count":
        return "__count"
    return f"{measure['fieldName']}:{measure['aggregator']}"


class DashboardMixin:
    """Mixed into a TransactionCase or an HttpCase (``call_kw``)."""

    @classmethod
    def hs_company_with_manager_and_agent(cls, company_name, login_prefix):
        """``cls.company``, its helpdesk manager ``cls.manager`` and agent
        ``cls.agent`` (logins ``<login_prefix>_manager`` and ``_agent``)."""
        cls.company = cls.env["res.company"].create({"name": company_name})
        in_company = {"company_id": cls.company.id, "company_ids": [cls.company.id]}
        cls.manager = new_test_user(
            cls.env, login=f"{login_prefix}_manager", groups=MANAGERS, **in_company
        )
        cls.agent = new_test_user(
            cls.env, login=f"{login_prefix}_agent", groups=AGENTS, **in_company
        )

    def assertShippedFilesAreBuilders(self, folder, write_files):
        """Each file that ``write_files`` (a dashboard addon's
        ``tools/dashboards.write_files``) writes is shipped in ``folder``
        as it writes it."""
        with tempfile.TemporaryDirectory() as written:
            write_files(written)
            names = sorted(path.name for path in Path(written).iterdir())
            self.assertTrue(names)
            for name in names:
                self.assertEqual(
                    (folder / name).read_text(),
                    (Path(written) / name).read_text(),
                    f"{name}: run hybrid_support_dashboard's tools/dashboards.py"
                    " (see the addon's readme)",
                )

    def read_every_query(self, env, document):
        """What ``document`` asks the server, asked here as ``env``'s user: a
        renamed field or a wrong aggregate fails the test rather than a
        manager's screen. Each filter's field exists. Returns the models
        read."""
        models = set()
        for pivot in document["pivots"].values():
            model = env[pivot["model"]]
            model.check_access("read")
            groups = [group["fieldName"] for group in pivot["rows"] + pivot["columns"]]
            model._read_group(
                pivot["domain"], groups, [aggregate(m) for m in pivot["measures"]]
            )
            for matching in pivot["fieldMatching"].values():
                self.assertIn(matching["chain"].split(".")[0], model._fields)
            models.add(pivot["model"])
        for figure in document["sheets"][0]["figures"]:
            data = figure["data"]
            if not data["type"].startswith("odoo_"):
                continue
            meta = data["metaData"]
            measure = meta["measure"]
            model = env[meta["resModel"]]
            model._read_group(
                data["searchParams"]["domain"],
                meta["groupBy"],
                ["__count" if measure == "__count" else f"{measure}:sum"],
            )
            for matching in data["fieldMatching"].values():
                self.assertIn(matching["chain"], model._fields)
            models.add(meta["resModel"])
        return models

    def call_kw(self, model, method, args):
        """The JSON-RPC answer of ``model.method(*args)`` over
        /web/dataset/call_kw, as the user of the HttpCase's session."""
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": model,
                        "method": method,
                        "args": args,
                        "kwargs": {},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    def assertCallsAnswerNothing(self, calls):
        """Each ``(model, method, args)`` of ``calls`` over call_kw answers
        no result, or an access error."""
        for model, method, args in calls:
            body = self.call_kw(model, method, args)
            result = body.get("result")
            self.assertFalse(result, f"{model}.{method} answered {result}")
            if "error" in body:
                self.assertIn(
                    "AccessError", body["error"]["data"]["name"], (model, method)
                )
