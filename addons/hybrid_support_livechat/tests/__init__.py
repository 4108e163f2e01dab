from . import test_livechat_case
