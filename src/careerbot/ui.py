"""The Gradio chat app: a conversation answered with numbered sources people can check, and a stable
`/ask` API."""

import dataclasses
import html
import json
import os
import re
import sys
import threading
import time
from pathlib import Path

from .answer import Answer, answer_from_dict, figures_differ, line_roles
from .ask import MAX_SUGGESTIONS as MAX_NEXT  # questions offered after an answer: what to ask next
from .corpus import current_text
from .coverage import Coverage
from .errors import CareerbotError, QuestionError
from .index import MANIFEST
from .settings import MAX_QUESTION_CHARS, Settings

CONTEXT_CHARS = 220
STATUS_SECONDS = 2.0  # how often the page re-reads the index status (being rebuilt, or what is loaded)
# a marker [n] in an answer opens that answer's sources and shows the nth (gradio would open links in a new tab)
OPEN_SOURCE = """() => { document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a.cb-ref');
    if (!link) return;
    event.preventDefault(); event.stopPropagation();
    const item = document.getElementById(link.getAttribute('href').slice(1));
    if (!item) return;
    const box = item.closest('details');
    if (box) box.open = true;
    item.scrollIntoView({block: 'nearest'});
    item.classList.add('cb-shown'); setTimeout(() => item.classList.remove('cb-shown'), 1600);
}, true); }"""
SCROLL_TO_HIT = ("() => { setTimeout(() => { const m = document.querySelector('#cb-viewer mark');"
                 " if (m) m.scrollIntoView({block: 'center'}); }, 200); }")
CSS = """
.cb-quote { white-space: pre-line; }
.cb-quote mark { background: #fde68a; color: inherit; padding: 0 .1em; }
.cb-next { white-space: normal !important; height: auto !important; }
.cb-related-label { color: #555; font-size: .9em; }
.cb-examples-row { align-items: center; }
.cb-topic { flex: 0 0 9em !important; min-width: 9em !important; }
.cb-context { color: #555; font-size: .92em; }
.cb-carried { color: #666; font-size: .88em; margin-bottom: .4em; }
.cb-role { color: #555; font-size: .8em; border: 1px solid #ccc; border-radius: .3em; padding: 0 .3em; }
.cb-note { color: #666; font-size: .88em; margin-top: .4em; }
a.cb-ref { text-decoration: none; font-weight: 600; }
#cb-chat .icon-button-wrapper.top-panel { display: none; }  /* its clear icon sat over the latest answer */
li.cb-shown { background: #fef3c7; transition: background .3s; }
"""


def quote_in_context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """HTML of a quoted passage with the text around it, the quote highlighted; all text escaped."""
    left = max(0, start - width)
    right = min(len(text), end + width)
    before = ("…" if left else "") + text[left:start]
    after = text[end:right] + ("…" if right < len(text) else "")
    clean = lambda s: html.escape(re.sub(r"\s*\n\s*", "\n", re.sub(r"[ \t]+", " ", s)))  # noqa: E731 - lines kept
    gap_before = " " if before[-1:].isspace() else ""
    gap_after = " " if after[:1].isspace() else ""
    return (f'<span class="cb-context">{clean(before)}{gap_before}</span><mark>{clean(text[start:end])}</mark>'
            f'<span class="cb-context">{gap_after}{clean(after)}</span>')


def guide_view(corpus: Path, citation: dict) -> str:
    """HTML of a whole guide, escaped, with the cited passage marked (the app scrolls it into view); its title
    is the guide's own first line, not repeated above it."""
    text = current_text(corpus, citation["source"])
    if text is None:
        return html.escape(f"{citation['source']} cannot be read.")
    start, end = citation["start"], citation["end"]
    body = (html.escape(text[:start]) + '<mark id="cb-hit">' + html.escape(text[start:end]) + "</mark>"
            + html.escape(text[end:]))
    return f'<div class="cb-guide" style="white-space:pre-wrap;max-height:420px;overflow:auto">{body}</div>'


def render_answer(answer: Answer, corpus: Path, turn: int = 0, roles: dict[str, str] | None = None) -> str:
    """The chat message for an answer: escaped answer lines, then a collapsible list of sources. Each line's
    marker [n] links to its source in that list (`turn` keeps the links of one message apart from another's); a
    line is labelled with its guide's role from `roles` (by source) when the lines speak of different roles."""
    if not answer.answered:
        from .ask import NOT_COVERED

        if answer.suggestions:  # the questions it names are the clickable ones under the chat, not repeated here
            return html.escape(f"{NOT_COVERED} Try one of the questions the guides answer, below.")
        return html.escape(answer.text)
    roles = line_roles(answer, roles)
    lines = [(f'<span class="cb-role">{html.escape(role)}</span> ' if role else "") + _linked_marker(line, turn)
             for role, line in zip(roles, answer.text.splitlines())]
    body = "<br>".join(lines)
    if figures_differ(answer):
        body += '<div class="cb-note">These guides give different figures; each line says whose it is.</div>' \
            if any(roles) else '<div class="cb-note">These guides give different figures.</div>'

    items = []
    for n, c in enumerate(answer.citations, 1):
        doc = current_text(corpus, c.source)
        passage = (quote_in_context(doc, c.start, c.end) if doc is not None
                   else f"<mark>{html.escape(' '.join(c.quote.split()))}</mark>")
        where = html.escape(c.title) + (f" — <em>{html.escape(c.section)}</em>" if c.section and c.section != c.title else "")
        items.append(f'<li id="cb-src-{turn}-{n}"><strong>[{n}] {where}</strong> <code>{html.escape(c.source)}</code>'
                     f'<div class="cb-quote">{passage}</div></li>')
    sources = f"<details><summary>Sources ({len(items)})</summary><ol style=\"list-style:none;padding-left:0\">{''.join(items)}</ol></details>"
    return f"{body}\n\n{sources}"


def _linked_marker(line: str, turn: int) -> str:
    """An answer line, escaped, its closing marker "[n]" made a link that opens its source."""
    found = re.search(r" \[(\d+)\]$", line)
    if not found:
        return html.escape(line)
    n = found.group(1)
    return (html.escape(line[:found.start()]) +
            f' <a class="cb-ref" href="#cb-src-{turn}-{n}" title="Show this source">[{n}]</a>')


def carried_line(answer: Answer) -> str:
    """The quiet line above a follow-up's answer that says what was read from the earlier questions."""
    if not answer.carried:
        return ""
    names = " and ".join(f"<em>{html.escape(c)}</em>" for c in answer.carried)
    return f'<div class="cb-carried">Read with {names} from your earlier question.</div>'


def _feedback_path() -> Path:
    from .settings import PROJECT_ROOT

    return Path(os.environ.get("CAREERBOT_FEEDBACK", PROJECT_ROOT / "feedback" / "feedback.jsonl"))


_feedback_lock = threading.Lock()


FEEDBACK_MAX_BYTES = 5 * 1024 * 1024  # past this the feedback file is moved to feedback.jsonl.1 (one kept)
FEEDBACK_ANSWER_CHARS = 2000  # an answer's text is stored up to this long, its citations as places only


def _feedback_answer(answer: dict | None) -> dict | None:
    """What is kept of an answer with its feedback: its text (cut), whether it answered, and where its
    citations point (not their quotes, which the guide holds)."""
    if not isinstance(answer, dict):
        return None
    return {"answered": bool(answer.get("answered")), "text": str(answer.get("text", ""))[:FEEDBACK_ANSWER_CHARS],
            "score": answer.get("score"), "carried": list(answer.get("carried") or [])[:5],
            "citations": [{k: c.get(k) for k in ("source", "start", "end")} for c in answer.get("citations", [])][:5]}


FEEDBACK_PER_MINUTE = 20  # thumbs a browser session may store in a minute; more are not stored
_feedback_times: dict[str, list[float]] = {}


def feedback_allowed(session: str, now: float | None = None) -> bool:
    """Whether one more thumbs-up/down from this browser session may be stored now: at most
    FEEDBACK_PER_MINUTE in any minute, so no client can flood the feedback file."""
    now = time.monotonic() if now is None else now
    with _feedback_lock:
        if len(_feedback_times) > 10_000:  # forget sessions idle for a minute
            for key in [k for k, times in _feedback_times.items() if not times or now - times[-1] > 60]:
                del _feedback_times[key]
        recent = [t for t in _feedback_times.get(session, []) if now - t < 60]
        allowed = len(recent) < FEEDBACK_PER_MINUTE
        _feedback_times[session] = recent + [now] if allowed else recent
    return allowed


def record_feedback(question: str, answer: dict | None, liked: bool) -> Path:
    """Append one thumbs-up/down to the local feedback file (JSON lines) and return its path. Each record
    is bounded (the question cut to MAX_QUESTION_CHARS, the answer to its text and citation places), and
    the file is rotated past FEEDBACK_MAX_BYTES, so no client can grow it without limit."""
    path = _feedback_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    row = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "liked": bool(liked),
           "question": str(question)[:MAX_QUESTION_CHARS], "answer": _feedback_answer(answer)}
    with _feedback_lock:
        if path.exists() and path.stat().st_size > FEEDBACK_MAX_BYTES:
            os.replace(path, path.with_name(path.name + ".1"))
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


@dataclasses.dataclass
class EngineLoad:
    """The app's background load of its index: `done` once finished; `error`, the message that stopped it
    (cleared when a question is answered again)."""

    done: threading.Event = dataclasses.field(default_factory=threading.Event)
    error: str = ""


def status_line(settings: Settings, load: EngineLoad | None = None) -> str:
    """What the page says about the index: what is loaded, or that it is being built, loaded or rebuilt."""
    return page_status(settings, load)[0]


def page_status(settings: Settings, load: EngineLoad | None = None) -> tuple[str, str]:
    """The status line, and when the index the page shows was built ("" while none can be read), from one
    reading of the manifest: what the page re-reads every STATUS_SECONDS."""
    from .index import build_progress, manifest_titles, read_manifest

    try:
        manifest = read_manifest(settings.index)
        built_at = str(manifest.get("built_at", ""))
    except CareerbotError:
        manifest, built_at = None, ""
    progress = build_progress(settings)
    if progress is not None:
        first = not (settings.index / MANIFEST).exists()
        return (("**The index is being built from the guides**" if first else
                 "**The index is being rebuilt from the guides**") + f" ({_build_step(progress)}). " +
                ("Questions asked now are answered as soon as it is ready." if first else
                 "Until it is ready, questions are answered from the guides as they were indexed.")), built_at
    if load is not None and not load.done.is_set():
        if not (settings.index / MANIFEST).exists():
            return ("**The index is being built from the guides** (starting). Questions asked now are answered "
                    "as soon as it is ready."), built_at
        return "Loading the index…", built_at
    if load is not None and load.error:
        return f"The index could not be loaded: {load.error}", built_at
    try:
        names = sorted(manifest_titles(manifest).values()) if manifest is not None else None
    except (KeyError, TypeError):
        names = None
    if names is None:
        return "The index cannot be read: run `careerbot index --full` to rebuild it.", built_at
    return (f"Loaded: {len(names)} guides (listed below), {manifest.get('chunks')} passages · index updated "
            f"{updated(manifest.get('built_at', ''))}."), built_at


def _build_step(progress: dict) -> str:
    """A build's step as people read it: "embedding passages: 1,200 of 4,800"."""
    step, done, total = str(progress.get("step", "starting")), progress.get("done"), progress.get("total")
    if isinstance(done, int) and isinstance(total, int) and total > 0:
        return f"{step}: {done:,} of {total:,}"
    return step


def updated(built_at: str, now: float | None = None) -> str:
    """When an index was built, as people say it: "just now", "5 minutes ago, at 14:02:31"."""
    from datetime import datetime

    try:
        when = datetime.strptime(built_at, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return "at an unknown time"
    seconds = (time.time() if now is None else now) - when.timestamp()
    clock = when.strftime("%H:%M:%S")
    if seconds < 60:
        return f"just now, at {clock}"
    if seconds < 3600:
        minutes = int(seconds // 60)
        return f"{minutes} minute{'s' * (minutes != 1)} ago, at {clock}"
    if seconds < 86400:
        hours = int(seconds // 3600)
        return f"{hours} hour{'s' * (hours != 1)} ago, at {clock}"
    return f"on {when.strftime('%Y-%m-%d')} at {clock}"


def manifest_coverage(manifest: dict):
    """What the indexed guides cover, as the build stored it (roles from the titles when it did not)."""
    from .coverage import role_of
    from .index import manifest_titles

    stored = manifest.get("coverage")
    try:
        return Coverage(**stored)
    except TypeError:
        return Coverage(roles={s: role_of(t) for s, t in manifest_titles(manifest).items()})


def page_facts(settings: Settings) -> tuple[list[str], Coverage, str]:
    """What the page shows of the index: the guides' titles, what they cover (coverage.Coverage) and when it
    was built; no titles and an empty Coverage while there is no readable index yet."""
    from .index import check_manifest, manifest_titles, read_manifest

    try:
        manifest = read_manifest(settings.index)
        check_manifest(settings.index, manifest, check_files=False)
    except CareerbotError:
        return [], Coverage(), ""
    return sorted(manifest_titles(manifest).values()), manifest_coverage(manifest), str(manifest.get("built_at", ""))


def intro_text(cover: Coverage) -> str:
    """The line atop the page: what careerbot answers about, from what the guides cover."""
    return (f"**careerbot** answers questions about {cover.role_names()} by quoting the guides, with a numbered "
            "source for every line.")


def placeholder_text(cover: Coverage) -> str:
    """What the empty chat invites people to ask."""
    return f"Ask about {cover.topic_names()} for {cover.role_names()}."


def build_app(settings: Settings, load: EngineLoad | None = None):
    """The Gradio Blocks app for one corpus; `load` tells how loading its index goes. The page is served
    before the index exists: what it shows of the guides follows the index as it is built and rebuilt."""
    import gradio as gr

    from .ask import ask
    from .loading import engine_for

    guide_names, cover, built_at = page_facts(settings)

    def answer_json(question: str, guides: list[str] | None = None, history: list[str] | None = None) -> dict:
        """Answer a question, read as a follow-up of `history` (the earlier questions, oldest first) when
        given; the JSON form of careerbot's Answer."""
        try:
            answer = ask(question, history=history or None, guides=guides or None, corpus=settings.corpus,
                         index=settings.index)
        except CareerbotError as exc:  # the caller gets the one-line message; the server logs no traceback
            raise gr.Error(str(exc), print_exception=False) from None
        return dataclasses.asdict(answer)

    def respond(question: str, history: list, guides: list[str], log: list):
        history = list(history or [])
        log = list(log or [])
        shown = " ".join((question or "").split())
        suggestions: list[str] = []
        if not shown:
            return "", history, log, *next_questions([]), gr.Dropdown(), gr.HTML(), gr.Accordion()
        history.append({"role": "user", "content": html.escape(shown[:MAX_QUESTION_CHARS])})
        earlier = [answer_from_dict(turn["answer"]) if turn["answer"] else turn["question"] for turn in log]
        try:
            answer = ask(question, history=earlier, guides=guides or None, corpus=settings.corpus,
                         index=settings.index)
            reply = carried_line(answer) + render_answer(answer, settings.corpus, len(log),
                                                         engine_for(settings).coverage.roles)
            suggestions = answer.suggestions
            if len(shown) > MAX_QUESTION_CHARS:
                reply = (f"<em>(Your message was long: careerbot read the {MAX_QUESTION_CHARS} characters around its "
                         f"question.)</em><br>{reply}")
            log.append({"question": answer.question, "answer": dataclasses.asdict(answer)})
            if load is not None:
                load.error = ""
        except QuestionError as exc:
            reply = html.escape(str(exc))
            log.append({"question": shown, "answer": None})
        except CareerbotError as exc:
            reply = html.escape(f"Sorry, careerbot cannot answer right now: {exc}")
            log.append({"question": shown, "answer": None})
        history.append({"role": "assistant", "content": reply})
        cited = (log[-1]["answer"] or {}).get("citations", [])
        choices = [(f"[{n}] {c['title']}" + (f" — {c['section']}" if c["section"] else ""), str(n - 1))
                   for n, c in enumerate(cited, 1)]
        return ("", history, log, *next_questions(suggestions),
                gr.Dropdown(choices=choices, value="0" if choices else None),
                gr.HTML(guide_view(settings.corpus, cited[0]) if cited else ""),
                gr.Accordion(visible=True) if cited else gr.Accordion(visible=False, open=False))

    def view(choice: str | None, log: list):
        cited = (log[-1]["answer"] or {}).get("citations", []) if log else []
        if choice is None or not cited or int(choice) >= len(cited):
            return ""
        return guide_view(settings.corpus, cited[int(choice)])

    def on_like(data: gr.LikeData, log: list, request: gr.Request):
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        turn = (int(index) - 1) // 2 if index is not None else -1
        if 0 <= turn < len(log or []):
            if not feedback_allowed(getattr(request, "session_hash", None) or "anonymous"):
                gr.Warning("That is a lot of feedback at once: wait a minute, then try again.")
                return
            record_feedback(log[turn]["question"], log[turn]["answer"], bool(data.liked))
            gr.Info("Thanks, your feedback was saved.")

    with gr.Blocks(title="careerbot") as app:
        intro = gr.Markdown(intro_text(cover), elem_id="cb-intro")
        status = gr.Markdown(status_line(settings, load), elem_id="cb-status")
        version = gr.State(built_at)  # when the index the page shows was built: a new one redraws the page
        gr.Timer(STATUS_SECONDS).tick(lambda: page_status(settings, load), None,
                                      [status, version], show_progress="hidden", api_visibility="private")
        log = gr.State([])
        # no label and per-message copy buttons only: the corner label and toolbar (share, copy all, clear) sat
        # over the latest answer; "New conversation" clears the chat with what it remembers
        chat = gr.Chatbot(label="careerbot", show_label=False, height=520, sanitize_html=True, elem_id="cb-chat",
                          buttons=["copy"], placeholder=placeholder_text(cover))
        with gr.Row():
            box = gr.Textbox(show_label=False, placeholder="Type your question and press Enter", scale=8,
                             max_lines=4, elem_id="cb-question")
            send = gr.Button("Ask", variant="primary", scale=1, elem_id="cb-send")
            new = gr.Button("New conversation", variant="secondary", scale=1, elem_id="cb-new")
        with gr.Column(visible=False, elem_id="cb-related") as related:
            gr.Markdown("Questions the guides answer near this one:", elem_classes=["cb-related-label"])
            with gr.Row():
                asks_next = [gr.Button(visible=False, size="sm", elem_classes=["cb-next"]) for _ in range(MAX_NEXT)]

        def next_questions(questions: list[str]) -> list:
            """Updates for the "what to ask next" block: shown with its questions, whole, or hidden."""
            shown_now = questions[:MAX_NEXT]
            return [gr.Column(visible=bool(shown_now)),
                    *[gr.Button(value=q, visible=True) for q in shown_now],
                    *[gr.Button(visible=False) for _ in range(MAX_NEXT - len(shown_now))]]
        # the last answer's sources in their whole guides; shown only while the last answer has some
        with gr.Accordion("View in guide", open=False, visible=False, elem_id="cb-viewer-box") as viewer_box:
            viewer_choice = gr.Dropdown(choices=[], label="Source of the last answer", elem_id="cb-viewer-choice")
            viewer = gr.HTML(elem_id="cb-viewer")
        guides = gr.CheckboxGroup(choices=guide_names, label="Only answer from these guides (none ticked: all guides)",
                                  elem_id="cb-guides")
        outputs = [box, chat, log, related, *asks_next, viewer_choice, viewer, viewer_box]
        new.click(lambda: ("", [], [], *next_questions([]), gr.Dropdown(choices=[], value=None), "",
                           gr.Accordion(visible=False, open=False)),
                  None, outputs, api_visibility="private")
        @gr.render(inputs=version)
        def examples(_built_at: str):
            by_topic = page_facts(settings)[1].examples
            if by_topic:
                gr.Markdown("**Example questions**")
            for topic, questions in by_topic.items():
                with gr.Row(elem_classes=["cb-examples-row"]):
                    gr.Markdown(f"*{topic}*", elem_classes=["cb-topic"])
                    for q in questions:
                        b = gr.Button(q, size="sm", elem_classes=["cb-example"])
                        b.click(lambda h, g, l, q=q: respond(q, h, g, l), [chat, guides, log], outputs,
                                api_visibility="private")

        def redraw(_built_at: str):
            """The page's words about the guides, for the index built at `_built_at`."""
            names, now_covered, _ = page_facts(settings)
            return (intro_text(now_covered), gr.Chatbot(placeholder=placeholder_text(now_covered)),
                    gr.CheckboxGroup(choices=names))

        version.change(redraw, version, [intro, chat, guides], api_visibility="private")
        app.load(lambda: page_facts(settings)[2], None, version, api_visibility="private")
        box.submit(respond, [box, chat, guides, log], outputs, api_visibility="private")
        send.click(respond, [box, chat, guides, log], outputs, api_visibility="private")
        for b in asks_next:
            b.click(respond, [b, chat, guides, log], outputs, api_visibility="private")
        viewer_choice.change(view, [viewer_choice, log], viewer, api_visibility="private")
        viewer.change(None, None, None, js=SCROLL_TO_HIT)
        viewer_box.expand(None, None, None, js=SCROLL_TO_HIT)
        chat.like(on_like, [log], None, api_visibility="private")
        gr.api(answer_json, api_name="ask")
    return app


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860, share: bool = False) -> None:
    """Start the app and block until it is stopped."""
    from .quiet import hush

    hush()
    from . import child_build
    from .api import add_api
    from .loading import build_in_child_processes, engine_for

    build_in_child_processes()  # the embedding model stays out of the server; answers go on during rebuilds
    if not (settings.index / MANIFEST).exists():  # the page is served while it is built
        child_build.start(settings, f"no index in {settings.index}; building it from {settings.corpus}")
    load = EngineLoad()

    def load_engine() -> None:
        try:
            engine_for(settings)
        except CareerbotError as exc:  # the status line says what to do; each question gets the message too
            load.error = str(exc)
        load.done.set()

    app = build_app(settings, load)
    print(f"careerbot: serving on http://{host}:{port}/", file=sys.stderr)
    app.queue(default_concurrency_limit=8).launch(server_name=host, server_port=port, share=share, quiet=True,
                                                   show_error=False, css=CSS, js=OPEN_SOURCE, footer_links=["api"],
                                                   prevent_thread_lock=True)
    add_api(app.app, settings)  # POST /api/ask on the same port
    # the page is up; load the index now rather than beside gradio's import, which it would slow down
    # (measured: page ready 2.5 s, against 3.1 s loading both at once). The status line says when it is done.
    threading.Thread(target=load_engine, name="careerbot-load", daemon=True).start()
    app.block_thread()
