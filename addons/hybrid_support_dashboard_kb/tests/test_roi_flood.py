"""The ROI report under a cookieless flood of the help center: a bot
repeating "read the article, vote Yes" with a new session each time adds no
self-service resolution once its address's daily ceiling is reached."""

import re

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.hybrid_support_kb.tools import deflection

ROI_REPORT = "hybrid.support.roi.report"


@tagged("post_install", "-at_install")
class TestRoiUnderFlood(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.company.hs_help_center_access = "public"
        cls.article = cls.env["hybrid.support.kb.article"].create(
            {
                "name": "Flux capacitor reset",
                "body": "<p>Turn the flux capacitor off and on.</p>",
                "state": "published",
                "audience": "public",
                "company_id": cls.company.id,
            }
        )
        cls.manager = new_test_user(
            cls.env,
            login="hs_roi_flood_manager",
            groups="helpdesk_mgmt.group_helpdesk_manager",
        )

    def bot_pair(self):
        self.opener.cookies.clear()
        html = self.url_open(f"{self.article.help_url}?src=search").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        response = self.url_open(
            f"/help/article/{self.article.id}/feedback",
            data={"helpful": "1", "src": "search", "csrf_token": token},
        )
        self.assertIn("glad it helped", response.text)

    def deflected(self):
        self.env.flush_all()
        [(count,)] = (
            self.env[ROI_REPORT]
            .with_user(self.manager)
            ._read_group(
                [("kind", "=", "self_service"), ("company_id", "=", self.company.id)],
                [],
                ["deflection_count:sum"],
            )
        )
        return count or 0

    def test_flood_adds_no_resolution_past_the_ceiling(self):
        before = self.deflected()
        for _pair in range(deflection.MAX_DEFLECTIONS_PER_ADDRESS_DAY):
            self.bot_pair()
        at_ceiling = self.deflected()
        self.assertEqual(
            at_ceiling - before, deflection.MAX_DEFLECTIONS_PER_ADDRESS_DAY
        )
        for _pair in range(3 * deflection.MAX_DEFLECTIONS_PER_ADDRESS_DAY):
            self.bot_pair()
        self.assertEqual(self.deflected(), at_ceiling)
