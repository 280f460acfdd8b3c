"""Forms of the blog: a post (with when to publish it) and the community's choice of who writes.

Lengths, tags, markings and times are checked by the services (``polka.blog.services``), which name
the field of every refusal; the form only keeps what was typed, so a refused post keeps every word."""

from __future__ import annotations

from wtforms import BooleanField, FileField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from polka.blog.models import Writers
from polka.communities.forms import Readable, choices
from polka.forms import HiddenIntegerField
from polka.forms import PolkaForm as FlaskForm
from polka.markings import Marking

MARKING_CHOICES = choices((m.value, m.value) for m in Marking)
MARKING_HINTS = {
    Marking.OFFICIAL.value: "Anyone who can read this community's blog can read the post",
    Marking.OFFICIAL_SENSITIVE.value: "Need to know: only members of this community can see the post",
}
#: The same, for a post of one's own blog, which goes out in a community or to everyone signed in.
PERSONAL_MARKING_HINTS = {
    Marking.OFFICIAL.value: "Whoever can read where it goes out can read the post",
    Marking.OFFICIAL_SENSITIVE.value: (
        "Need to know: only members of the community it goes out in can see the post (never open to "
        "everyone signed in)"
    ),
}


class PostForm(FlaskForm):
    #: where a post of one's own blog is published: one of the writer's communities (its choices are
    #: set by the view; a community blog's posts do not ask)
    community = SelectField("Who can read it", coerce=int, validate_choice=False)
    title = StringField("Title", validators=[Readable()])
    summary = StringField("Summary (optional)", validators=[Readable()])
    body = TextAreaField("Post", validators=[Readable()])
    tags = StringField("Tags (optional)", validators=[Readable()])
    marking = RadioField("Protective marking", choices=MARKING_CHOICES, default=Marking.OFFICIAL.value)
    publish_date = StringField("Date", validators=[Readable()])
    publish_time = StringField("Time", validators=[Readable()])
    #: the picture itself is read from ``request.files["cover"]``; one chosen on an earlier try of this
    #: form (a preview, a refusal) is carried as a signed token (``writing_views``)
    cover = FileField("A picture")
    cover_alt = StringField("Describe the picture", validators=[Readable()])
    cover_kept = HiddenField()
    remove_cover = BooleanField("Remove the cover image")


class WritersForm(FlaskForm):
    writers = RadioField(
        "Who may write posts",
        choices=choices((w.value, w.label) for w in Writers),
        default=Writers.MEMBERS.value,
    )


class CommentForm(FlaskForm):
    body = TextAreaField("Comment", validators=[Readable()])
    #: the comment a reply answers
    parent = HiddenIntegerField(validators=[Optional()])
