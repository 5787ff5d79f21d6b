"""The words for a refusal, made from the refusal's own data (no message text is parsed)."""

from __future__ import annotations

from adapters.present.notice import Notice
from adapters.present.words import ACTOR, notice
from core import errors as e
from core import events as ev

_ANSWERED = {
    "approved": "{by} already brought {user} to the stage; there is no pending request to answer.",
    "declined": "{by} already declined {user}'s request; there is no pending request to answer.",
    "invited": "{by} already invited {user} on stage; there is no pending request to answer.",
}


def present_error(reply: ev.ErrorReply) -> Notice:
    """Word a refusal for the person whose action it refused: what went wrong and what to do."""
    refusal = reply.refusal if reply.refusal is not None else e.BadArgument(reply.message)
    variant, text, people, values = _words(refusal)
    key = ".".join(part for part in ("error", refusal.code, variant, ACTOR) if part)
    return notice(reply.actor, key, text, people, values)


Words = tuple[str, str, dict[str, str | None], dict[str, str | int]]


def _words(refusal: e.StageError) -> Words:
    """Return (variant, template, people, values) for one refusal."""
    match refusal:
        case e.NotModerator(action=action):
            return "", "Only moderators can {action}. Ask a moderator of this channel.", {}, {"action": action}
        case e.NotAdmin(setting=setting):
            text = "Only admins can change {setting}. Ask an admin to do it, or to make you one."
            return "", text, {}, {"setting": setting}
        case e.ModeForbids(mode_label=label, action=action, hint=hint):
            text = "The stage is in {mode} mode, so you can't {action}. {advice}"
            return "", text, {}, {"mode": label, "action": action, "advice": hint}
        case e.AlreadyOnStage(user=user, you=you):
            return (
                ("you", "You are already on stage.", {}, {})
                if you
                else ("", "{user} is already on stage.", {"user": user}, {})
            )
        case e.AlreadyRequested(position=position):
            text = (
                "Your request to join the stage is already pending (position {position}). "
                "Wait for a moderator, or cancel it with /stage cancel."
            )
            return "", text, {}, {"position": position}
        case e.AlreadyInvited(user=user, you=you):
            if you:
                text = "You already have an invitation: accept it with /stage join or refuse it with /stage decline."
                return "you", text, {}, {}
            return "", "{user} already has a pending invitation.", {"user": user}, {}
        case e.NoRequest(user=user, answered_by=by, outcome=outcome) if by:
            text = _ANSWERED.get(
                outcome or "", "{by} already answered {user}'s request; there is no pending request to answer."
            )
            return f"answered.{outcome or 'other'}", text, {"user": user, "by": by}, {}
        case e.NoRequest(user=user, you=you):
            if you:
                return "you", "You have no pending request. Ask with /stage ask.", {}, {}
            return "", "{user} has no pending request.", {"user": user}, {}
        case e.NotOnStage(user=user):
            return "", "{user} is not on stage.", {"user": user}, {}
        case e.UnknownUser(user=user, you=you):
            if you:
                return "you", "You are not in the room, so you can't do that. Join the room first.", {}, {}
            text = "{user} is not in the room. Check the name, or wait until they arrive."
            return "", text, {"user": user}, {}
        case e.NotAllowedTarget(user=user):
            return "", "{user} is a bot or the app itself, not a participant; pick a person.", {"user": user}, {}
        case e.Cooldown(seconds_left=seconds):
            text = "Your last request was declined; you can ask again in {seconds} s."
            return "", text, {}, {"seconds": seconds}
        case e.NoChange(what=what):
            return "", "Nothing changed: {what}.", {}, {"what": what}
        case e.NoInvitation(user=user, you=False):
            text = "{user} has no pending invitation to withdraw. Check /stage status for who is invited."
            return "someone_else", text, {"user": user}, {}
        case e.NoInvitation():
            return "", "You have no pending invitation to decline.", {}, {}
        case e.NobodyWaiting():
            text = (
                "Nobody is waiting: there is no pending request and no raised hand in the audience. "
                "Invite someone with /stage invite NAME."
            )
            return "nobody_waiting", text, {}, {}
        case e.NoSession():
            return "", "No session is live in this channel. A moderator can start one with /stage start.", {}, {}
        case e.SessionActive():
            return "", "A session is already live here. End it with /stage end before starting another.", {}, {}
        case e.StageFull(capacity=capacity):
            text = (
                "The stage is full ({capacity} of {capacity}) and only moderators are on it, so nobody can be moved "
                "off to make room. A moderator can remove someone or raise the capacity."
            )
            return "", text, {}, {"capacity": capacity}
        case e.BadArgument(problem=problem):
            return "", "{problem}", {}, {"problem": problem}
    # A refusal without words of its own here still says what went wrong, in the core's words.
    return "", "{message}", {}, {"message": refusal.message}
