from . import test_portal_adoption_dashboard
