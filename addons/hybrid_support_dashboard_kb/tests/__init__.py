from . import test_roi, test_roi_flood, test_self_service_roi_dashboards
