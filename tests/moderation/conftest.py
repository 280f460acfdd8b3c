from tests.forum.conftest import forum  # noqa: F401 - the forum's factory, for posts to report
