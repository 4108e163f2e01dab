from . import test_escalation, test_sla
