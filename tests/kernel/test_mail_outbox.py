from polka.db import transaction
from polka.mail import queue_mail


def test_queued_mail_is_written_after_commit(mailbox, session):
    with transaction(session):
        queue_mail(session, to="a@met.police.uk", subject="Hello", body="Visit http://localhost/x please")
    [message] = mailbox.to("a@met.police.uk")
    assert message["Subject"] == "Hello"
    assert mailbox.link(message) == "/x"


def test_mail_queued_in_a_rolled_back_transaction_is_never_sent(mailbox, session):
    try:
        with transaction(session):
            queue_mail(session, to="b@met.police.uk", subject="Hello", body="x")
            raise RuntimeError("the request failed")
    except RuntimeError:
        pass
    assert mailbox.to("b@met.police.uk") == []
