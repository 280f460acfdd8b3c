"""Forms of the document library: uploading, new versions, details, moving, folders, superseding.

Files themselves are read from ``request.files`` by the views (one or several per upload); these forms
hold everything typed around them, so a refused upload shows it all back.
"""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange

from polka.communities.forms import Readable, choices
from polka.docs.models import DESCRIPTION_MAX, FOLDER_NAME_MAX, NOTE_MAX, TITLE_MAX
from polka.forms import IdChoiceField, IdField
from polka.forms import PolkaForm as FlaskForm
from polka.markings import Marking
from polka.tags import TAGS_MAX

MARKING_CHOICES = choices((m.value, m.value) for m in Marking)
MARKING_HINTS = {
    Marking.OFFICIAL.value: "Most police information: any POLKA user who can read this community may download it",
    Marking.OFFICIAL_SENSITIVE.value: "Need to know: only members of this community can see it; downloads are audited",
}


def _text(label: str, limit: int, *, required: bool = False) -> list[object]:
    validators: list[object] = [
        Length(max=limit, message=f"{label} must be {limit:,} characters or fewer"),
        Readable(),
    ]
    if required:
        validators.insert(0, InputRequired(message=f"Enter {label.lower()}"))
    return validators


class _Details(FlaskForm):
    description = TextAreaField(
        "Description (optional)", validators=_text("The description", DESCRIPTION_MAX)
    )
    tags = StringField("Tags (optional)", validators=_text("The tags", TAGS_MAX))
    #: not checked against the choices: the service says clearly why SECRET and above are refused
    marking = RadioField(
        "Marking", choices=MARKING_CHOICES, default=Marking.OFFICIAL.value, validate_choice=False
    )


class UploadForm(_Details):
    title = StringField("Title (optional)", validators=_text("The title", TITLE_MAX))
    folder = IdChoiceField("Folder", message="Choose a folder from the list")

    def set_folders(self, folders: list[tuple[int, str]]) -> None:
        self.folder.choices = choices(
            [("", "Top of the library"), *((str(i), label) for i, label in folders)]
        )

    def folder_id(self) -> int | None:
        return self.folder.selected_id


class DetailsForm(_Details):
    title = StringField("Title", validators=_text("The title", TITLE_MAX, required=True))


class VersionForm(FlaskForm):
    note = StringField("What changed (optional)", validators=_text("The change note", NOTE_MAX))
    #: the version the uploader was looking at
    base = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=10**9)])
    keep_checked_out = BooleanField("Keep the document checked out to me")


class RestoreForm(FlaskForm):
    base = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=10**9)])


class MoveForm(FlaskForm):
    #: ``"<community id>:<folder id or empty>"``
    destination = SelectField("Move to", choices=[], validate_choice=True)

    def set_destinations(self, destinations: list[tuple[str, str]]) -> None:
        self.destination.choices = choices(destinations)

    def chosen(self) -> tuple[int, int | None]:
        community, _, folder = (self.destination.data or "").partition(":")
        return int(community), (int(folder) if folder else None)


class FolderForm(FlaskForm):
    name = StringField("Folder name", validators=_text("The folder name", FOLDER_NAME_MAX, required=True))
    parent = IdField(
        message="The folder this one goes in was not sent as expected. Reload the page and try again."
    )


class SupersedeForm(FlaskForm):
    replacement = IdChoiceField(
        "Replaced by", message="Choose the document that replaces this one from the list"
    )

    def set_documents(self, documents: list[tuple[int, str]]) -> None:
        self.replacement.choices = choices([("", "Choose a document"), *((str(i), t) for i, t in documents)])

    def replacement_id(self) -> int:
        return self.replacement.selected_id or 0


class OfferForm(FlaskForm):
    """The choice for a file already in its folder: ``offer`` is the signed offer (``web.sign_offer``)."""

    offer = StringField(validators=[InputRequired()])
    choice = StringField(validators=[AnyOf(["version", "both"])])  # ``uploads.Choice``
