from . import digest_digest, helpdesk_ticket, helpdesk_ticket_team
