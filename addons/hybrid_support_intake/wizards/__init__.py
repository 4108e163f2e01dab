from . import helpdesk_ticket_merge
from . import hybrid_support_log_call
