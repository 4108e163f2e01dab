from odoo.tests import BaseCase, tagged

from ..tools import roi


@tagged("at_install")
class TestRoiTools(BaseCase):
    def test_self_service_savings(self):
        self.assertEqual(roi.self_service_savings(3, 24.0, 1.5), 67.5)
        # self-service dearer than a case: no negative savings
        self.assertEqual(roi.self_service_savings(3, 1.0, 5.0), 0.0)
        self.assertEqual(roi.self_service_savings(0, 24.0, 1.5), 0.0)
        self.assertEqual(roi.self_service_savings(2, None, None), 0.0)

    def test_draft_hours_saved(self):
        # sent as is: the whole reply; a quarter changed: three quarters of it
        self.assertEqual(roi.draft_minutes_saved(0.0, 6.0), 6.0)
        self.assertEqual(roi.draft_minutes_saved(0.25, 6.0), 4.5)
        # rewritten entirely, or beyond: nothing, never negative
        self.assertEqual(roi.draft_minutes_saved(1.0, 6.0), 0.0)
        self.assertEqual(roi.draft_minutes_saved(1.7, 6.0), 0.0)
        self.assertEqual(roi.draft_minutes_saved(-0.2, 6.0), 6.0)
        self.assertAlmostEqual(roi.draft_hours_saved([0.0, 0.25, 1.0], 6.0), 0.175)
        self.assertEqual(roi.draft_hours_saved([], 6.0), 0.0)
