"""Who may do what in Slack, looked up at each click (A3) from a short-lived copy of the person's profile.

The copy keeps the ack path fast (a command is committed before Slack is acknowledged, within its 3 s):
users.info is Tier 4, and a burst of clicks must not wait on it. A profile Slack sends with an event
replaces the copy at once; otherwise a role change is seen within USER_TTL_SECONDS.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import error_code
from adapters.slack.state import SlackState
from core.commands import Actor
from core.room import RoomKey

GROUP_TTL_SECONDS = 60.0  # user group membership changes rarely; usergroups.users.list is Tier 2
USER_TTL_SECONDS = 60.0  # how long a workspace admin or owner flag may be out of date
# usergroups.users.list's answers that mean the group names nobody: it does not exist (deleted, or a wrong id),
# or the workspace's plan has no user groups. Any other failure says nothing about who is in it.
NO_GROUP = {"no_such_subteam", "plan_upgrade_required"}


class Roles:
    """Turn a Slack user into an Actor with the roles the workspace grants right now."""

    def __init__(self, client: AsyncWebClient, state: SlackState, clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._state = state
        self._clock = clock
        self._groups: dict[str, tuple[float, set[str]]] = {}
        self._users: dict[str, tuple[float, dict[str, Any]]] = {}

    async def actor(self, key: RoomKey, user: str) -> Actor:
        """Return the actor: admins are workspace owners/admins; moderators add starter and named groups."""
        # People named on the room's moderator list need nothing here: the core checks its own list.
        admin = await self.is_admin(user)
        channel = self._state.channel(key)
        moderator = admin or user == channel.started_by or await self._in_named_group(user, channel.groups)
        return Actor(user, moderator=moderator, admin=admin)

    async def is_admin(self, user: str) -> bool:
        """Say whether Slack makes this user a workspace owner or admin now (A2, A3)."""
        profile = await self._user(user)
        return bool(profile.get("is_admin") or profile.get("is_owner") or profile.get("is_primary_owner"))

    async def is_bot(self, user: str) -> bool:
        """Say whether a user id is a bot, an app, Slackbot or a deactivated account (A4)."""
        if user == "USLACKBOT":
            return True
        try:
            profile = await self._user(user)
        except SlackApiError as error:
            if error.response.get("error") == "user_not_found":
                return False  # the core answers unknown_user
            raise
        return bool(profile.get("is_bot") or profile.get("is_app_user") or profile.get("deleted"))

    def learn(self, profile: dict[str, Any]) -> None:
        """Replace the copy of a person's profile with one Slack sent in an event (user_change's shape)."""
        if profile.get("id") and "is_admin" in profile:
            self._users[str(profile["id"])] = (self._clock(), dict(profile))

    async def _user(self, user: str) -> dict[str, Any]:
        now = self._clock()
        cached = self._users.get(user)
        if cached is not None and now - cached[0] < USER_TTL_SECONDS:
            return cached[1]
        response = await self._client.users_info(user=user)
        profile = dict(response["user"])
        self._users[user] = (now, profile)
        return profile

    async def _in_named_group(self, user: str, groups: list[str]) -> bool:
        for group in groups:
            if user in await self.group_members(group):
                return True
        return False

    async def group_members(self, group: str) -> set[str]:
        """Return a user group's members (cached briefly); raise when Slack cannot say who they are.

        Only a group Slack says does not exist names nobody. Any other failure (Slack busy or down past the
        client's retries, a missing scope) propagates: the outbox tries again later and a listener tells the
        person what to do, rather than the group's members quietly losing their moderator role.
        """
        now = self._clock()
        cached = self._groups.get(group)
        if cached is not None and now - cached[0] < GROUP_TTL_SECONDS:
            return cached[1]
        try:
            response = await self._client.usergroups_users_list(usergroup=group)
        except SlackApiError as error:
            if error_code(error) not in NO_GROUP:
                raise  # not cached: the next call asks Slack again
            members: set[str] = set()
        else:
            members = set(response.get("users") or [])
        self._groups[group] = (now, members)
        return members
