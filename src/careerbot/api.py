"""`POST /api/ask`: the Answer JSON over plain HTTP, on the app's own port, for programs that do not speak
Gradio's protocol.

    curl -s localhost:7860/api/ask -H 'Content-Type: application/json' \
         -d '{"question": "and plumbers?", "history": ["How much do welders make?"]}'

The body is `{"question": str, "guides": [str] | null, "history": [str] | null}`; the reply is the JSON form
of `Answer` (200), or `{"detail": "<one line>"}` with 400 for a bad body or question and 503 when the index
cannot be used.
"""
from __future__ import annotations

import dataclasses
import json

from fastapi import Request  # at module level: FastAPI reads the handler's annotations from here
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from .errors import CareerbotError, QuestionError
from .settings import Settings

PATH = "/api/ask"
FIELDS = {"question", "guides", "history"}


def read_body(raw: bytes) -> dict:
    """The request's fields, checked; QuestionError with a one-line message when the body is not one."""
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        raise QuestionError("the body must be JSON: {\"question\": \"...\"}") from None
    if not isinstance(body, dict) or not isinstance(body.get("question"), str):
        raise QuestionError("the body must be a JSON object with a \"question\" string")
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise QuestionError(f"unknown field {unknown[0]!r}: the body takes {', '.join(sorted(FIELDS))}")
    for name in ("guides", "history"):
        value = body.get(name)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise QuestionError(f"\"{name}\" must be a list of strings or null")
    return body


def add_api(app, settings: Settings) -> None:
    """Add `POST /api/ask` to the app's FastAPI server, ahead of Gradio's own routes."""
    from .ask import ask

    async def ask_endpoint(request: Request):
        raw = await request.body()
        try:
            body = read_body(raw)
            answer = await run_in_threadpool(
                lambda: ask(body["question"], history=body.get("history"), guides=body.get("guides"),
                            corpus=settings.corpus, index=settings.index))
        except QuestionError as exc:
            return JSONResponse({"detail": str(exc)}, status_code=400)
        except CareerbotError as exc:
            return JSONResponse({"detail": str(exc)}, status_code=503)
        return JSONResponse(dataclasses.asdict(answer))

    app.add_api_route(PATH, ask_endpoint, methods=["POST"], include_in_schema=False)
    app.router.routes.insert(0, app.router.routes.pop())  # before any route of Gradio's that could match
