from . import portal
from . import new_ticket
from . import portal_actions
from . import portal_team
