from . import test_dashboards, test_onboarding
