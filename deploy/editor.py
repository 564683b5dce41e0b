"""An editor at a browser, in the standard library: signs in to the admin and saves prices.

Used by the load test (deploy/loadtest.py) and the stack tests, so both change prices the
way an editor does: through nginx, the sign-in form, the CSRF token and the admin's change
form as rendered (every field sent back as the page had it, one changed).
"""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

CHANGE_FORM_ID = "certification_form"


class FormParser(HTMLParser):
    """The fields one <form> would submit: inputs, checked boxes, selected options, textareas."""

    def __init__(self, form_id: str | None = None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = self.form_id is None or a.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields.append((name, a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # The HTML parser keeps the newline after <textarea>; a browser drops it.
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def form_fields(html: str, form_id: str | None = None) -> list[tuple[str, str]]:
    parser = FormParser(form_id)
    parser.feed(html)
    return parser.fields


class EditorSession:
    """One browser: its own cookies, talking to ``base_url`` (nginx, or one app server)."""

    def __init__(self, base_url: str, *, timeout: float = 10):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def with_base(self, base_url: str) -> EditorSession:
        """The same browser (same cookies) pointed at another server."""
        other = EditorSession(base_url, timeout=self.timeout)
        for cookie in self.cookies:
            other.cookies.set_cookie(cookie)
        return other

    def request(self, path: str, data: list[tuple[str, str]] | None = None):
        """(status, headers, body text); redirects are not followed."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode(errors="replace")

    def _csrf_form(self, path: str, form_id: str | None) -> list[tuple[str, str]]:
        status, _, html = self.request(path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        return form_fields(html, form_id)

    def sign_in(self, username: str, password: str) -> int:
        """Posts the admin's sign-in form; returns the status (302 when signed in)."""
        fields = [
            (name, value)
            for name, value in self._csrf_form("/admin/login/", "login-form")
            if name not in {"username", "password"}
        ]
        fields += [("username", username), ("password", password)]
        status, _, _ = self.request("/admin/login/", fields)
        return status

    def signed_in(self) -> bool:
        status, _, _ = self.request("/admin/")
        return status == 200

    def certification_id(self, slug: str) -> int:
        query = urllib.parse.urlencode({"q": slug})
        status, _, html = self.request(f"/admin/catalog/certification/?{query}")
        if status != 200:
            raise RuntimeError(f"admin changelist answered {status}")
        ids = set(re.findall(r"/admin/catalog/certification/(\d+)/change/", html))
        if len(ids) != 1:
            raise RuntimeError(f"{slug!r} matches {len(ids)} certifications in the admin")
        return int(ids.pop())

    def save_price(self, certification_id: int, amount: str, *, source: str) -> int:
        """Opens the change form, changes the price, saves; returns the status (302 = saved)."""
        path = f"/admin/catalog/certification/{certification_id}/change/"
        changes = {"cost_amount": amount, "change_source": source, "change_note": "load test"}
        fields = [(n, v) for n, v in self._csrf_form(path, CHANGE_FORM_ID) if n not in changes]
        fields += [*changes.items(), ("_save", "Save")]
        status, _, _ = self.request(path, fields)
        return status


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
