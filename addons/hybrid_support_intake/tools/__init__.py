# Pure Python helpers: no ORM, importable and testable without a database.
from . import body_clean, mail_automation, phones, references, routing, similarity
