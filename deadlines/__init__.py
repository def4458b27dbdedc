"""Deadlines (SPEC §4.8): every dated obligation with its owner, for programmes and steering alike.

Both apps keep their deadlines in step through `deadlines.services.deadline_sync`; this app imports
neither of them."""
