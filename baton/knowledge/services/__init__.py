"""Writes for client knowledge: decisions, briefs and their versions, task-brief links, the knowledge record, the
stakeholder map, comments with mentions, attachments, and the search index.

Every write checks the access policy, validates everything before saving (422 naming each bad field), and emits
its event in the same transaction. The search index is derived data: it is written by the event subscriber
(`search_index_refresh`) and by `search_index_rebuild`, and emits no events of its own.
"""

from baton.knowledge.services.briefs import (
    brief_approve,
    brief_create,
    brief_in_force,
    brief_update,
    task_brief_link_for_event,
    task_brief_link_record,
)
from baton.knowledge.services.comments import (
    attachment_create,
    attachment_delete,
    attachment_max_bytes,
    comment_create,
    comment_delete,
    discussion_orphans_remove,
    parse_mentions,
)
from baton.knowledge.services.decisions import DECISION_FIELDS, decision_create, decision_update
from baton.knowledge.services.records import knowledge_update, stakeholder_update
from baton.knowledge.services.search_index import (
    INDEXED_KINDS,
    indexed_target_types,
    search_index_rebuild,
    search_index_refresh,
    search_index_remove,
    search_index_update,
)

__all__ = [
    "DECISION_FIELDS",
    "INDEXED_KINDS",
    "attachment_create",
    "attachment_delete",
    "attachment_max_bytes",
    "brief_approve",
    "brief_create",
    "brief_in_force",
    "brief_update",
    "comment_create",
    "comment_delete",
    "decision_create",
    "decision_update",
    "discussion_orphans_remove",
    "indexed_target_types",
    "knowledge_update",
    "parse_mentions",
    "search_index_rebuild",
    "search_index_refresh",
    "search_index_remove",
    "search_index_update",
    "stakeholder_update",
    "task_brief_link_for_event",
    "task_brief_link_record",
]
