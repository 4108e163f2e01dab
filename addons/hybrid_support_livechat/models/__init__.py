from . import discuss_channel, helpdesk_ticket, res_users
