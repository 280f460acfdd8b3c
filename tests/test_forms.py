"""Service errors shown on forms: on their fields, the rest in the error summary."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField

from polka.errors import ValidationError
from polka.forms import show_errors


class NameForm(FlaskForm):
    name = StringField("Name")


def test_field_errors_go_on_their_fields(app):
    with app.test_request_context(method="POST", data={"name": "x"}):
        form = NameForm(meta={"csrf": False})
        form.validate()
        show_errors(form, ValidationError("Check the form", {"name": "Name is taken"}))
    assert form.name.errors == ["Name is taken"]
    assert form.form_errors == []


def test_errors_no_field_can_show_go_to_the_summary(app):
    with app.test_request_context(method="POST", data={"name": "x"}):
        form = NameForm(meta={"csrf": False})
        form.validate()
        show_errors(form, ValidationError("Check the form", {"colour": "No such colour"}))
        show_errors(form, ValidationError("The community was archived meanwhile"))
    assert form.form_errors == ["No such colour"]


def test_an_error_without_fields_is_shown_as_it_is(app):
    with app.test_request_context(method="POST", data={"name": "x"}):
        form = NameForm(meta={"csrf": False})
        form.validate()
        show_errors(form, ValidationError("The community was archived meanwhile"))
        html = app.jinja_env.get_template("macros/forms.html").module.error_summary(form)
    assert form.form_errors == ["The community was archived meanwhile"]
    assert "The community was archived meanwhile" in str(html)


def test_control_characters_are_found_in_typed_text():
    from polka.forms import has_control_characters

    assert has_control_characters("nul\x00byte")
    assert has_control_characters("bell\x07")
    assert has_control_characters("two\nlines")
    assert not has_control_characters("two\nlines", multiline=True)
    assert not has_control_characters("Dr Ruth Adeyemi – Ffion Ó Ceallaigh")
