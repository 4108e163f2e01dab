from . import test_roi, test_self_service_roi_dashboards
