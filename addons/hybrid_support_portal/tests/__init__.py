from . import test_attacks, test_portal, test_portal_actions
