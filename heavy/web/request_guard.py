"""Malformed requests get a 4xx that says what is wrong, before any handler (or the database) sees them.

Without this, a NUL byte in a form field reached PostgreSQL ("invalid byte sequence for encoding
UTF8: 0x00") and came back as a 500 with a traceback; a body that is not UTF-8 or a multipart
post without a boundary made Sanic log a traceback and hand the handler an empty form; ``..`` or
a NUL in a file path made ReactPy's asset routes raise (500); and a folder under ``/static/`` made
Sanic raise ``IsADirectoryError`` (500). None of those is a fault of the server, so none logs more
than its access line.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote

from sanic import Request, Sanic
from sanic.exceptions import BadRequest, NotFound
from sanic.headers import parse_content_header
from sanic.request.form import parse_multipart_form
from sanic.request.parameters import RequestParameters
from sanic.response import HTTPResponse

# The prefixes under which a path names a file to send (Sanic's static files, ReactPy's assets).
FILE_PREFIXES = ("/static/", "/_reactpy/assets/", "/_reactpy/modules/")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def register_request_guard(app: Sanic[Any, Any]) -> None:
    """Check every request's path and form first (before the user is loaded), and answer a missing
    or folder path under :data:`FILE_PREFIXES` with a 404."""
    app.register_middleware(refuse_malformed_requests, "request", priority=1000)
    app.exception(FileNotFoundError, IsADirectoryError, NotADirectoryError)(_missing_file)


async def refuse_malformed_requests(request: Request) -> None:
    """Raise a 4xx naming the problem for a path with ``..`` segments (404) or NUL (400), or a bad
    form (400)."""
    path = unquote(request.path)
    if "\x00" in path:
        raise BadRequest("the path contains a NUL character")
    if ".." in path.split("/"):  # names nothing this app serves: a 404, as before it reached a route
        raise NotFound("the path contains a '..' segment")
    content_type, parameters = parse_content_header(request.headers.get("content-type", ""))
    if content_type in _FORM_TYPES:
        _parse_form(request, content_type, parameters)


def _parse_form(request: Request, content_type: str, parameters: dict[str, Any]) -> None:
    """Parse the form as Sanic would, but refuse what Sanic would log a traceback for and what the
    database cannot store; the handlers then read the already parsed ``request.form``."""
    if content_type == "multipart/form-data":
        boundary = parameters.get("boundary")
        if not boundary:
            raise BadRequest("a multipart form post needs a boundary in its Content-Type")
        try:
            form, files = parse_multipart_form(request.body, str(boundary).encode())  # type: ignore[no-untyped-call]
        except Exception as error:  # Sanic's parser fails in many ways on a malformed body
            raise BadRequest("the multipart form could not be parsed") from error
    else:
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("the form is not UTF-8") from None
        form, files = RequestParameters(parse_qs(text)), RequestParameters()
    for name, values in form.items():
        if "\x00" in name or any("\x00" in value for value in values):
            raise BadRequest(f"form field {name[:40].replace(chr(0), '')!r} contains a NUL character")
    request.parsed_form = form
    request.parsed_files = files


def _missing_file(request: Request, exception: Exception) -> HTTPResponse:
    """A path under the file prefixes that is missing or a folder is a 404; elsewhere such an
    error is a bug and gets Sanic's default answer (a 500, logged with its traceback)."""
    if request.path.startswith(FILE_PREFIXES):
        reason = (
            "no such file" if isinstance(exception, FileNotFoundError) else "a folder: folders are not listed"
        )
        return request.app.error_handler.default(request, NotFound(reason))
    return request.app.error_handler.default(request, exception)
