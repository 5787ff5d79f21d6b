"""One presenter for every platform: who is told what about each event, and which actions they get.

Renderers (console, Slack, Discord) only format the notices: people ids become mentions or
names, `*emphasis*` becomes the platform's, actions become buttons or commands to type.
"""

from adapters.present.batch import command_batches
from adapters.present.controls import line_controls
from adapters.present.events import present
from adapters.present.line import invited_actions, panel_actions
from adapters.present.notice import Action, ActionKind, Notice
from adapters.present.personal import request_note
from adapters.present.refusals import present_error
from adapters.present.summary import coalesce, moderator_summary

__all__ = [
    "Action",
    "ActionKind",
    "Notice",
    "coalesce",
    "command_batches",
    "invited_actions",
    "line_controls",
    "moderator_summary",
    "panel_actions",
    "present",
    "present_error",
    "request_note",
]
