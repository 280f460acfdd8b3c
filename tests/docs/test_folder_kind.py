"""The library folder as a content kind (``docs.folder``): shown to whoever may read its library."""

from __future__ import annotations

from polka.communities.models import Role, Visibility
from polka.content.kinds import kind_of, resolve
from polka.db import transaction
from polka.docs import folders
from polka.docs.models import Folder


def test_a_folder_resolves_for_readers_of_its_library_only(app, session, make):
    community = make.community("Neighbourhood Policing", visibility=Visibility.RESTRICTED)
    member = make.member(community, role=Role.MEMBER)
    with transaction(session):
        folder = folders.create_folder(
            session, session.merge(member), session.merge(community), None, "Minutes"
        )
    with app.test_request_context():
        shown = resolve(session, member, "docs.folder", folder.id)
        assert shown is not None
        assert (shown.title, shown.label, shown.community_name) == ("Minutes", "Folder", community.name)
        assert shown.url == f"/c/{community.slug}/docs/folders/{folder.id}"
        assert resolve(session, make.user("Outsider"), "docs.folder", folder.id) is None
        assert resolve(session, None, "docs.folder", folder.id) is None
    assert kind_of(Folder).name == "docs.folder"
