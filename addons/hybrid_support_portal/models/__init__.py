from . import hybrid_support_case_action_mixin
from . import hybrid_support_waiting_reminder_mixin
from . import helpdesk_ticket
from . import helpdesk_ticket_team
from . import hybrid_support_escalation_rule
from . import hybrid_support_portal_team_log
from . import res_partner
from . import res_users
