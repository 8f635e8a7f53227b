"""What knowledge wires at start-up: its event subscribers (task started -> brief link, search index upkeep) and the
comments and attachments block on delivery's task page; contacts and people join search (`search_people.py`); the
task start gate of an approved brief (`gates.py`)."""

from __future__ import annotations

from baton.delivery.gates import register_start_gate
from baton.delivery.views import TASK_PAGE_BLOCKS
from baton.knowledge import search_people, subscribers  # noqa: F401
from baton.knowledge.gates import brief_gate
from baton.knowledge.views import discussion

if discussion not in TASK_PAGE_BLOCKS:
    TASK_PAGE_BLOCKS.append(discussion)

register_start_gate(brief_gate)
