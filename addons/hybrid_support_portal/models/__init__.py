from . import helpdesk_ticket
from . import helpdesk_ticket_team
from . import hybrid_support_escalation_rule
