"""What knowledge wires at start-up: its event subscribers (task started -> brief link, search index upkeep) and the
comments and attachments block on delivery's task page."""

from __future__ import annotations

from baton.delivery.views import TASK_PAGE_BLOCKS
from baton.knowledge import subscribers  # noqa: F401
from baton.knowledge.views import discussion

if discussion not in TASK_PAGE_BLOCKS:
    TASK_PAGE_BLOCKS.append(discussion)
