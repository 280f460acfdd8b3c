from tests.support import text


def test_sign_in_shows_the_home_page(web, login, make):
    user = login.as_new_user(name="Priya Shah")
    page = web.get("/")
    assert page.status_code == 200
    assert "Welcome, Priya Shah" in text(page)
    assert user.email


def test_anonymous_visitor_is_sent_to_sign_in(web):
    response = web.get("/c/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/c/")
