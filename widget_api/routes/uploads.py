"""The one shape of an upload: a multipart form with exactly one file, in the field ``data``.

Litestar picks "the first file" of a form and fails with a 500 when there is none of its own
kind: a field sent twice (its value becomes a list) or only unnamed fields. ``one_file`` runs
before the body is bound and refuses those with a 400 that says what to send."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body

from widget_api.domain.errors import Invalid


@dataclass
class FileForm:
    """The form: one part named ``data`` holding the file."""

    data: UploadFile


FileBody = Annotated[FileForm, Body(media_type=RequestEncodingType.MULTI_PART)]


async def one_file(request: Request) -> None:
    """``before_request`` of upload routes (the form is parsed once and kept for the handler)."""
    form = await request.form()
    names = [name for name, _ in form.multi_items()]
    if any(not name.strip() for name in names):
        raise Invalid("error.upload_unnamed_field")
    files = form.getall("data") if "data" in form else []
    if len(files) != 1 or not isinstance(files[0], UploadFile):
        raise Invalid("error.upload_one_file")
