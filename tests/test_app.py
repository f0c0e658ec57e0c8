"""The Gradio app: started for real, asked through gradio_client and through a real browser."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT, free_port

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "bench" / "out" / "screenshots"


def start_app(index: Path, env: dict, corpus: Path = CORPUS):
    """Start the real app on a free port; return the process and its URL once the page is served."""
    import urllib.request

    port = free_port()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port), "--corpus", str(corpus),
                             "--index", str(index)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(120):
        try:
            urllib.request.urlopen(url, timeout=1)
            return proc, url
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"the app exited: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.5)
    pytest.fail("the app did not start within a minute")


@pytest.fixture(scope="module")
def app_url(index_dir, tmp_path_factory):
    feedback = tmp_path_factory.mktemp("feedback") / "feedback.jsonl"
    proc, url = start_app(index_dir, dict(os.environ, HF_HUB_OFFLINE="1", CAREERBOT_FEEDBACK=str(feedback)))
    yield url, feedback
    proc.terminate()
    proc.wait(timeout=30)


def test_ask_endpoint_returns_answer_json(app_url):
    from gradio_client import Client

    client = Client(app_url[0], verbose=False)
    data = client.predict("What certifications are valued for medical office managers?", api_name="/ask")
    assert data["answered"] is True and data["citations"]
    c = data["citations"][0]
    assert (CORPUS / c["source"]).read_text(encoding="utf-8")[c["start"]:c["end"]] == c["quote"]
    declined = client.predict("Who won the 2022 FIFA World Cup?", api_name="/ask")
    assert declined["answered"] is False and declined["citations"] == []
    with pytest.raises(Exception, match="the question is empty"):
        client.predict("   ", api_name="/ask")
    follow = client.predict("and office managers?", None, ["How much do medical practice managers make?"],
                            api_name="/ask")
    assert follow["carried"] == ["pay"] and follow["answered"]


def post_ask(url: str, body: bytes):
    import json
    import urllib.error
    import urllib.request

    req = urllib.request.Request(url + "api/ask", data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_post_api_ask_answers_plain_http(app_url):
    import json

    status, data = post_ask(app_url[0], json.dumps({"question": "and office managers?", "guides": None,
                                                     "history": ["How much do medical practice managers make?"]}).encode())
    assert status == 200 and data["answered"] and data["carried"] == ["pay"]
    c = data["citations"][0]
    assert (CORPUS / c["source"]).read_text(encoding="utf-8")[c["start"]:c["end"]] == c["quote"]
    for body, says in [(b'{"question": "  "}', "empty"), (b"not json", "JSON"),
                       (b'{"question": "pay?", "history": "pay?"}', "history")]:
        status, data = post_ask(app_url[0], body)
        assert status == 400 and says in data["detail"] and "\n" not in data["detail"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page(app_url, browser):
    page = browser.new_page(viewport={"width": 1200, "height": 1000})
    page.goto(app_url[0])
    page.wait_for_selector("#cb-question textarea")
    yield page
    page.close()


def ask_in_browser(page, question: str):
    before = page.locator("#cb-chat .message").count()
    page.fill("#cb-question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('#cb-chat .message').length >= {before + 2}", timeout=30000)
    # the reply is complete once it shows a citation marker or one of careerbot's own messages
    page.wait_for_function("""() => { const m = document.querySelectorAll('#cb-chat .message');
        return /\\[1\\]|do not cover|clinician|question is empty|Sorry/.test(m[m.length - 1].innerText); }""",
                           timeout=30000)
    return page.locator("#cb-chat .message").last


@pytest.mark.browser
def test_pay_question_shows_answer_and_sources(page):
    reply = ask_in_browser(page, "How much do medical practice managers make?")
    assert "[1]" in reply.inner_text() and "$" in reply.inner_text()
    reply.locator("summary", has_text="Sources").click()
    mark = reply.locator("mark").first
    mark.wait_for(state="visible")
    assert "$" in mark.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "answer-with-sources.png"), full_page=True)


@pytest.mark.browser
def test_script_in_a_question_is_shown_as_text(page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    ask_in_browser(page, "<img src=x onerror=alert(1)>")
    page.wait_for_timeout(500)
    assert dialogs == []
    assert page.locator("#cb-chat").get_by_text("<img src=x onerror=alert(1)>").count() >= 1


@pytest.mark.browser
def test_example_button_asks_it(page):
    """The example questions come from the guides (their FAQ headings), and the guides answer them."""
    example = page.locator("button.cb-example").first
    asked = example.inner_text()
    before = page.locator("#cb-chat .message").count()
    example.click()
    page.wait_for_function(f"document.querySelectorAll('#cb-chat .message').length >= {before + 2}", timeout=30000)
    assert asked in page.locator("#cb-chat .message").nth(before).inner_text()
    reply = page.locator("#cb-chat .message").last
    reply.get_by_text("[1]").first.wait_for(timeout=30000)
    assert "[1]" in reply.inner_text()


@pytest.mark.browser
def test_out_of_scope_question_says_so_and_offers_questions_that_work(page):
    reply = ask_in_browser(page, "Who won the 2022 FIFA World Cup?")
    assert "do not cover" in reply.inner_text() and "Sources" not in reply.inner_text()
    suggestion = page.locator("#cb-related button.cb-next").first
    suggestion.wait_for(state="visible")
    asked = suggestion.inner_text()
    before = page.locator("#cb-chat .message").count()
    suggestion.click()
    page.wait_for_function(f"document.querySelectorAll('#cb-chat .message').length >= {before + 2}", timeout=30000)
    assert asked in page.locator("#cb-chat .message").nth(before).inner_text()
    assert "[1]" in page.locator("#cb-chat .message").last.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "not-covered-with-suggestions.png"), full_page=True)


@pytest.mark.browser
def test_guide_filter_limits_the_sources(page):
    box = page.locator("#cb-guides").get_by_label("Medical Manager Career Path Guide", exact=True)
    box.check()
    try:
        reply = ask_in_browser(page, "What certifications are valued?")
        sources = reply.locator("code").all_text_contents()  # inside the closed Sources block
        assert sources and set(sources) == {"medical-manager-career-path-guide.txt"}
    finally:
        box.uncheck()


@pytest.mark.browser
def test_thumbs_down_is_stored_with_question_and_answer(page, app_url):
    feedback = app_url[1]
    ask_in_browser(page, "Is the job market for medical practice managers growing?")
    page.locator("#cb-chat button[aria-label='Dislike']").last.click()
    deadline = time.monotonic() + 15
    def stored() -> bool:  # a whole line written, not just the file created
        return feedback.exists() and feedback.read_text(encoding="utf-8").endswith("\n")

    while time.monotonic() < deadline and not stored():
        time.sleep(0.2)
    import json

    rows = [json.loads(line) for line in feedback.read_text(encoding="utf-8").splitlines()]
    assert rows[-1]["liked"] is False
    assert rows[-1]["question"] == "Is the job market for medical practice managers growing?"
    assert rows[-1]["answer"]["citations"]


@pytest.mark.browser
def test_view_in_guide_shows_the_whole_guide_with_the_passage_marked(page):
    reply = ask_in_browser(page, "Can medical practice managers work remotely?")  # answered near the guide's end
    assert "[1]" in reply.inner_text()
    page.locator("#cb-viewer-box").get_by_text("View in guide").click()
    mark = page.locator("#cb-viewer mark")
    mark.wait_for(state="visible", timeout=15000)
    assert "remote" in mark.inner_text().lower()
    guide = page.locator("#cb-viewer .cb-guide")
    assert len(guide.inner_text()) > 5000  # the whole guide, not a snippet
    chosen = page.locator("#cb-viewer-choice input").input_value()  # "[1] <title> — <section>"
    title = chosen.split("] ", 1)[1].split(" \u2014 ")[0]
    assert page.locator("#cb-viewer").inner_text().count(title) == 1  # the guide's own first line, once
    page.wait_for_timeout(500)
    box, hit = guide.bounding_box(), mark.bounding_box()
    assert box["y"] <= hit["y"] <= box["y"] + box["height"]  # scrolled into view inside the guide
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "view-in-guide.png"), full_page=True)


@pytest.mark.browser
def test_page_says_the_index_is_being_rebuilt_then_shows_the_new_one(page, index_dir):
    status = page.locator("#cb-status")
    status.get_by_text("Loaded: 4 guides").wait_for(timeout=15000)
    before = status.inner_text()
    rebuild = subprocess.Popen([sys.executable, "-m", "careerbot.cli", "index", "--full", "--corpus", str(CORPUS),
                                "--index", str(index_dir)], env=dict(os.environ, HF_HUB_OFFLINE="1"),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        status.get_by_text("being rebuilt").wait_for(timeout=20000)
        status.scroll_into_view_if_needed()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "index-being-rebuilt.png"))
    finally:
        assert rebuild.wait(timeout=300) == 0
    status.get_by_text("Loaded: 4 guides").wait_for(timeout=15000)
    assert status.inner_text() != before  # the new build time
    reply = ask_in_browser(page, "What is the CMPE?")
    assert "[1]" in reply.inner_text()


@pytest.mark.browser
def test_a_damaged_index_is_reported_on_the_page_and_in_answers(index_copy, browser):
    text = index_copy / "text.bin"
    text.write_bytes(text.read_bytes().replace(b"Median", b"Mean", 1))
    proc, url = start_app(index_copy, dict(os.environ, HF_HUB_OFFLINE="1"))
    page = browser.new_page()
    try:
        page.goto(url)
        status = page.locator("#cb-status")
        status.get_by_text("could not be loaded").wait_for(timeout=30000)
        assert "careerbot index --full" in status.inner_text()
        reply = ask_in_browser(page, "What is the CMPE?")
        assert "careerbot index --full" in reply.inner_text() and "Traceback" not in reply.inner_text()
    finally:
        page.close()
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.browser
def test_three_turn_conversation_then_a_new_one(page):
    """Follow-ups are read with the earlier questions, say so in one line, and "New conversation" forgets them."""
    page.click("#cb-new")
    page.wait_for_function("document.querySelectorAll('#cb-chat .message').length === 0", timeout=30000)
    first = ask_in_browser(page, "How much do medical practice managers make?")
    assert "[1]" in first.inner_text() and "Read with" not in first.inner_text()
    second = ask_in_browser(page, "and office managers?")
    assert "Read with pay from your earlier question" in second.inner_text() and "[1]" in second.inner_text()
    second.locator("summary", has_text="Sources").click()
    assert "Medical Office Manager" in second.locator("details").inner_text()
    third = ask_in_browser(page, "in the UK?")
    assert "Read with" in third.inner_text() and "£" in third.inner_text()
    page.locator("#cb-related button.cb-next").first.wait_for(state="visible")  # what to ask next
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "conversation.png"), full_page=True)
    page.click("#cb-new")
    page.wait_for_function("document.querySelectorAll('#cb-chat .message').length === 0", timeout=30000)
    alone = ask_in_browser(page, "and office managers?")
    assert "Read with" not in alone.inner_text()


def test_feedback_records_are_bounded_and_the_file_is_rotated(tmp_path, monkeypatch):
    """No client can grow the feedback file without limit: a huge question is cut, an answer is kept as its
    text and citation places, and past its size cap the file is moved aside (one old file kept)."""
    import json

    from careerbot import ui
    from careerbot.settings import MAX_QUESTION_CHARS

    path = tmp_path / "feedback.jsonl"
    monkeypatch.setenv("CAREERBOT_FEEDBACK", str(path))
    answer = {"answered": True, "text": "x" * 50_000, "score": 0.9,
              "citations": [{"source": "a.txt", "start": 1, "end": 2, "quote": "q" * 50_000, "title": "A"}]}
    ui.record_feedback("w" * 200_000, answer, False)
    row = json.loads(path.read_text(encoding="utf-8"))
    assert len(row["question"]) == MAX_QUESTION_CHARS and len(row["answer"]["text"]) == ui.FEEDBACK_ANSWER_CHARS
    assert row["answer"]["citations"] == [{"source": "a.txt", "start": 1, "end": 2}]
    assert path.stat().st_size < 4000
    monkeypatch.setattr(ui, "FEEDBACK_MAX_BYTES", 1000)
    ui.record_feedback("again", answer, True)
    assert (tmp_path / "feedback.jsonl.1").exists()
    assert [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines()] == ["again"]


@pytest.mark.parametrize("age, says", [(5, "just now, at 10:00:00"), (5 * 60, "5 minutes ago, at 10:00:00"),
                                       (60, "1 minute ago"), (3 * 3600, "3 hours ago"), (3 * 86400, "on 2026-11-30")])
def test_the_status_line_says_when_the_index_was_updated_as_people_say_it(age, says):
    from datetime import datetime

    from careerbot.ui import updated

    built = "2026-11-30T10:00:00+0000"
    assert updated(built, datetime.strptime(built, "%Y-%m-%dT%H:%M:%S%z").timestamp() + age).startswith(says)


@pytest.mark.browser
def test_the_page_is_served_while_the_index_is_built_and_rebuilds_stay_out_of_the_server(corpus_copy, tmp_path,
                                                                                          browser):
    """With no index yet, the page is up at once and shows the build's progress, then the guides; a guide
    added later is indexed by a child process while the server goes on answering, and the server never
    loads the model that embeds guides (which would hold it at ~1 GB)."""
    import json

    proc, url = start_app(tmp_path / "index", dict(os.environ, HF_HUB_OFFLINE="1"), corpus=corpus_copy)
    page = browser.new_page(viewport={"width": 1200, "height": 1000})
    try:
        page.goto(url)
        status = page.locator("#cb-status")
        assert "being built" in status.inner_text()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "index-being-built.png"))
        status.get_by_text("Loaded: 4 guides").wait_for(timeout=180000)
        page.locator("button.cb-example").first.wait_for(timeout=15000)  # drawn from the new index
        assert "medical practice managers" in page.locator("#cb-intro").inner_text()
        reply = ask_in_browser(page, "What is the CMPE?")
        assert "[1]" in reply.inner_text()

        (corpus_copy / "zephyr.txt").write_text(
            "Zephyr Clinic Coordinator Guide\n\nPay\nA zephyr clinic coordinator earns a median salary of "
            "$71,234 per year according to this guide.\n", encoding="utf-8")
        def answer(question: str) -> dict:
            status, data = post_ask(url, json.dumps({"question": question}).encode())
            assert status == 200, data
            return data

        assert answer("What is the CMPE?")["answered"]  # answered while the child rebuilds
        deadline = time.monotonic() + 180
        while "zephyr.txt" not in {c["source"] for c in answer("How much does a zephyr clinic coordinator earn?")
                                   ["citations"]}:
            assert time.monotonic() < deadline, "the added guide was never answered from"
            time.sleep(1)
        status.get_by_text("Loaded: 5 guides").wait_for(timeout=15000)
        maps = Path(f"/proc/{proc.pid}/maps").read_text()
        assert "libtorch" not in maps
    finally:
        page.close()
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.browser
def test_a_marker_opens_its_source_and_nothing_covers_the_latest_answer(page):
    """[n] in an answer shows that answer's nth source; the chat's corner label and icons never sit over the
    answer; after a declined question no guide viewer is left open."""
    reply = ask_in_browser(page, "What certifications can a medical office manager get?")
    reply.locator("a.cb-ref", has_text="[1]").click()
    source = reply.locator("details li").first
    source.wait_for(state="visible", timeout=5000)
    assert source.inner_text().startswith("[1] ")
    reply.scroll_into_view_if_needed()
    reply.evaluate("m => m.scrollIntoView({block: 'start'})")  # the answer's top edge at the chat's top
    page.wait_for_timeout(300)
    covered = reply.evaluate("""m => { const r = m.getBoundingClientRect();
        return [[r.left + 4, r.top + 4], [r.right - 4, r.top + 4]]
            .map(([x, y]) => document.elementFromPoint(x, y))
            .filter(e => e && !m.contains(e)).map(e => e.outerHTML.slice(0, 80)); }""")
    assert covered == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "marker-opens-source.png"))
    assert page.locator("#cb-viewer-box").is_visible()
    ask_in_browser(page, "Who won the 2022 FIFA World Cup?")
    page.wait_for_timeout(500)
    assert not page.locator("#cb-viewer-box").is_visible()


@pytest.mark.browser
def test_one_browser_session_cannot_flood_the_feedback_file(app_url, browser):
    """Past FEEDBACK_PER_MINUTE thumbs in a minute, a session's further thumbs are not stored, and it is told."""
    from careerbot.ui import FEEDBACK_PER_MINUTE

    url, feedback = app_url
    page = browser.new_page(viewport={"width": 1200, "height": 1000})  # a session of its own
    try:
        page.goto(url)
        page.wait_for_selector("#cb-question textarea")
        ask_in_browser(page, "Is the job market for medical practice managers growing?")
        before = len(feedback.read_text(encoding="utf-8").splitlines()) if feedback.exists() else 0
        thumb = page.locator("#cb-chat button[aria-label^='Dislike']").last  # Dislike, then Disliked
        for _ in range(FEEDBACK_PER_MINUTE + 5):
            thumb.click()
            page.wait_for_timeout(150)
        page.get_by_text("a lot of feedback at once").first.wait_for(timeout=15000)
        page.wait_for_timeout(1000)
        stored = len(feedback.read_text(encoding="utf-8").splitlines()) - before
        assert stored == FEEDBACK_PER_MINUTE
    finally:
        page.close()


@pytest.mark.browser
def test_the_http_api_is_described_at_docs_without_a_cdn(app_url, browser):
    """`/openapi.json` describes POST /api/ask (body and answer), and `/docs` shows it from the app's own files."""
    import json
    import urllib.request

    url = app_url[0]
    with urllib.request.urlopen(url + "openapi.json", timeout=30) as response:
        schema = json.loads(response.read())
    operation = schema["paths"]["/api/ask"]["post"]
    assert set(operation["responses"]) >= {"200", "400", "503"}
    assert set(schema["components"]["schemas"]["AskBody"]["properties"]) == {"question", "guides", "history"}
    assert "citations" in schema["components"]["schemas"]["Answer"]["properties"]
    page = browser.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(url) else None)
    try:
        page.goto(url + "docs")
        page.locator(".opblock-summary-path", has_text="/api/ask").wait_for(timeout=30000)
    finally:
        page.close()
    assert outside == []
