"""`POST /api/ask`: the Answer JSON over plain HTTP, on the app's own port, for programs that do not speak
Gradio's protocol.

    curl -s localhost:7860/api/ask -H 'Content-Type: application/json' \
         -d '{"question": "and plumbers?", "history": ["How much do welders make?"]}'

The body is `{"question": str, "guides": [str] | null, "history": [str] | null}`; the reply is the JSON form
of `Answer` (200), or `{"detail": "<one line>"}` with 400 for a bad body or question and 503 when the index
cannot be used. Its OpenAPI description is at `/openapi.json`, shown at `/docs` (served from the app itself,
no CDN: careerbot runs offline).
"""
from __future__ import annotations

import dataclasses
import json

from fastapi import Request  # at module level: FastAPI reads the handler's annotations from here
from pydantic import BaseModel, ConfigDict, Field
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from .errors import CareerbotError, QuestionError
from .settings import Settings

PATH = "/api/ask"


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


class AskBody(BaseModel):
    """What `POST /api/ask` takes (for its OpenAPI description; the body is read by `read_body`)."""

    model_config = ConfigDict(extra="forbid")
    question: str = Field(description="the question, in plain words", examples=["How much do welders make?"])
    guides: list[str] | None = Field(None, description="answer only from these guides (titles or file names)")
    history: list[str] | None = Field(None, description="the conversation's earlier questions, oldest first",
                                      examples=[["How much do welders make?"]])


FIELDS = frozenset(AskBody.model_fields)  # what a body may hold


class Problem(BaseModel):
    """What a refused request gets back (for the OpenAPI description)."""

    detail: str = Field(description="one line that says what to do")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("careerbot")
    except PackageNotFoundError:
        return "unknown"


def api_app(settings: Settings):
    """The HTTP API as a FastAPI app of its own: `POST /api/ask`, with its description at `/openapi.json`
    and `/docs`."""
    from fastapi_offline import FastAPIOffline

    from .answer import Answer
    from .ask import ask

    app = FastAPIOffline(title="careerbot", description="Answers about careers, quoted from the guides with "
                         "citations.", version=_version(), docs_url="/docs", redoc_url=None,
                         static_url="/api/static-docs")

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

    app.add_api_route(
        PATH, ask_endpoint, methods=["POST"], summary="Answer a question from the guides",
        description="The answer's lines are quoted from the guides; each citation's `start` and `end` are "
                    "character offsets into its guide's text. `answered` is false when the guides do not "
                    "cover the question.",
        openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/AskBody"}}}}},
        responses={200: {"model": Answer, "description": "the answer"},
                   400: {"model": Problem, "description": "a bad body or question"},
                   503: {"model": Problem, "description": "the index cannot be used"}})
    schema = app.openapi()
    schema.setdefault("components", {}).setdefault("schemas", {})["AskBody"] = \
        AskBody.model_json_schema(ref_template="#/components/schemas/{model}")
    return app


def add_api(app, settings: Settings) -> None:
    """Add the HTTP API (`POST /api/ask`, `/docs`, `/openapi.json`) to the app's FastAPI server, ahead of
    Gradio's own routes."""
    routes = api_app(settings).routes
    for route in reversed(routes):
        app.router.routes.insert(0, route)  # before any route of Gradio's that could match
