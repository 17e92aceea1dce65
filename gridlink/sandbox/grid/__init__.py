"""A Trading Grid network emulator: token service, Lens and Community Management APIs, mailboxes."""
