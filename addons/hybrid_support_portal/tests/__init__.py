from . import (
    test_attacks,
    test_attacks_trust,
    test_case_view,
    test_portal,
    test_portal_actions,
    test_portal_case,
    test_portal_roles,
)
