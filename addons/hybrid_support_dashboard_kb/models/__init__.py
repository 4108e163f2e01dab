# res.company first: the report's view reads its new columns
from . import res_company, res_config_settings, hybrid_support_roi_report
