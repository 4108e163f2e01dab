from . import (
    test_attacks,
    test_case_view,
    test_portal,
    test_portal_actions,
    test_portal_case,
    test_portal_roles,
)
