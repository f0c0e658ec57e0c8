"""Web pages and PDFs dropped into the corpus: read through their extracted text, answered and cited
verbatim, followed when they change or go; bad and huge files are skipped with a reason."""
import shutil
from pathlib import Path

import pytest

from careerbot import ask
from careerbot.corpus import MAX_FILE_BYTES, load_corpus
from careerbot.index import build
from careerbot.settings import resolve
from conftest import CORPUS

PAGE = """<!doctype html><html><head><title>Dental Office Manager Guide</title>
<script>var secret = "PAYLOAD-FROM-SCRIPT";</script><style>p {{ color: red; }}</style></head>
<body><nav><a href="/">Home</a> <a href="/jobs">Sign up now for job alerts</a></nav>
<main><h1>Dental Office Manager Guide</h1>
<h2>Salary</h2><p>A dental office manager in Zephyrton earns a median of <b>{pay}</b> a year &amp; a bonus.</p>
<h2>Certification</h2><ul><li>The Quillfeather credential is offered by the Dental Managers Guild.</li></ul>
</main><footer>Copyright 2026 Example Careers</footer></body></html>
"""


def make_pdf(path: Path, title: str, lines: list[str]) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


@pytest.fixture()
def mixed_corpus(tmp_path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy2(CORPUS / "how-to-become-a-medical-practice-manager-2025.txt", corpus)
    (corpus / "dental.html").write_text(PAGE.format(pay="$71,250"), encoding="utf-8")
    make_pdf(corpus / "veterinary.pdf", "Veterinary Practice Manager Handbook", [
        "Veterinary Practice Manager Handbook", "Training",
        "A veterinary practice manager usually completes the Marlowe Animal Clinic Leadership course in nine months.",
    ])
    return corpus


def check_cited(answer, corpus: Path) -> None:
    for c in answer.citations:
        assert (corpus / c.source).read_text(encoding="utf-8")[c.start:c.end] == c.quote


def test_web_page_and_pdf_are_read_through_their_extracted_text(mixed_corpus):
    docs, skipped = load_corpus(mixed_corpus)
    assert not skipped
    by_origin = {d.origin: d for d in docs if d.origin}
    page, pdf = by_origin["dental.html"], by_origin["veterinary.pdf"]
    assert page.title == "Dental Office Manager Guide" and pdf.title == "Veterinary Practice Manager Handbook"
    assert page.source == ".careerbot-text/dental.html.txt"
    assert "## Salary" in page.text and "- The Quillfeather credential" in page.text and "& a bonus" in page.text
    for dropped in ("PAYLOAD-FROM-SCRIPT", "Sign up now", "Copyright 2026", "color: red"):
        assert dropped not in page.text
    assert "Marlowe Animal Clinic Leadership course" in pdf.text


def test_facts_from_a_web_page_and_a_pdf_are_answered_and_cited(mixed_corpus, tmp_path):
    index = tmp_path / "index"
    a = ask("how much does a dental office manager make in zephyrton", corpus=mixed_corpus, index=index)
    assert a.answered and "$71,250" in a.text
    assert a.citations[0].source == ".careerbot-text/dental.html.txt" and a.citations[0].section == "Salary"
    check_cited(a, mixed_corpus)
    b = ask("which course does a veterinary practice manager complete?", corpus=mixed_corpus, index=index)
    assert b.answered and "Marlowe" in b.text and b.citations[0].title == "Veterinary Practice Manager Handbook"
    check_cited(b, mixed_corpus)
    shutil.rmtree(mixed_corpus / ".careerbot-text")  # the extracted texts are made again before answering
    c = ask("which course does a veterinary practice manager complete?", corpus=mixed_corpus, index=index)
    assert c.answered and "Marlowe" in c.text
    check_cited(c, mixed_corpus)


def test_a_changed_page_is_extracted_again_and_a_deleted_one_is_forgotten(mixed_corpus, tmp_path):
    import os

    index = tmp_path / "index"
    build(resolve(mixed_corpus, index), progress=False)
    page = mixed_corpus / "dental.html"
    page.write_text(PAGE.format(pay="$88,400"), encoding="utf-8")
    os.utime(page, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns + 10**9))
    a = ask("how much does a dental office manager make in zephyrton", corpus=mixed_corpus, index=index)
    assert "$88,400" in a.text and "$71,250" not in a.text
    check_cited(a, mixed_corpus)
    page.unlink()
    b = ask("how much does a dental office manager make in zephyrton", corpus=mixed_corpus, index=index)
    assert all(c.source != ".careerbot-text/dental.html.txt" for c in b.citations)
    assert not (mixed_corpus / ".careerbot-text" / "dental.html.txt").exists()


def test_bad_pdf_and_huge_file_are_skipped_and_the_rest_indexed(mixed_corpus, tmp_path):
    (mixed_corpus / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    with open(mixed_corpus / "huge.txt", "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)
    report = build(resolve(mixed_corpus, tmp_path / "index"), progress=False)
    reasons = {s.source: s.reason for s in report.skipped}
    assert "not a readable PDF" in reasons["broken.pdf"]
    assert "20 MiB limit" in reasons["huge.txt"]
    assert report.documents == 3
    assert "skipped broken.pdf" in report.summary() and "huge.txt" in report.summary()


def test_a_pdf_pypdf_has_to_repair_is_read_without_its_warnings(tmp_path):
    """A PDF with a wrong cross-reference offset is read; pypdf's repair notes never reach the terminal."""
    import os
    import re
    import subprocess
    import sys

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_pdf(corpus / "crane.pdf", "Crane Operator Handbook",
             ["Crane Operator Handbook", "Pay", "Crane operators earn a median of $63,000 a year."])
    data = (corpus / "crane.pdf").read_bytes()
    data = re.sub(rb"startxref\s+(\d+)", lambda m: b"startxref\n" + str(int(m.group(1)) + 7).encode(), data)
    (corpus / "crane.pdf").write_bytes(data)
    out = subprocess.run([sys.executable, "-m", "careerbot.cli", "ask", "--corpus", str(corpus), "--index",
                          str(tmp_path / "index"), "How much do crane operators make?"], capture_output=True,
                         text=True, timeout=300, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    assert out.returncode == 0 and "$63,000" in out.stdout
    assert "startxref" not in out.stderr and "Object Streams" not in out.stderr


def test_a_page_copied_in_with_its_old_size_and_mtime_is_extracted_again(mixed_corpus, tmp_path):
    """`cp -p` of another version of a web page: same size, same mtime, other text; it is answered from."""
    import os

    index = tmp_path / "index"
    build(resolve(mixed_corpus, index), progress=False)
    page = mixed_corpus / "dental.html"
    st = page.stat()
    other = tmp_path / "dental-v2.html"
    other.write_text(PAGE.format(pay="$88,400"), encoding="utf-8")
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(other, page)
    assert (page.stat().st_size, page.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    a = ask("how much does a dental office manager make in zephyrton", corpus=mixed_corpus, index=index)
    assert "$88,400" in a.text and "$71,250" not in a.text
    check_cited(a, mixed_corpus)
