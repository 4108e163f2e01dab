from . import portal_case_list
from . import portal_case_content
from . import portal
from . import new_ticket
from . import portal_actions
from . import portal_team
