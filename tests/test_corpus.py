"""The guides in corpus/ and how careerbot reads a corpus folder."""
import pytest

from careerbot.corpus import load_corpus
from careerbot.errors import CorpusError
from conftest import CORPUS

SEEDS = CORPUS.parent.parent / "shared" / "seeds"


def test_corpus_holds_the_four_guides_with_readable_titles():
    docs, skipped = load_corpus(CORPUS)
    assert not skipped
    assert sorted(d.title for d in docs) == [
        "Complete Medical Office Manager Career Guide", "Complete Medical Practice Manager Career Guide",
        "How to Become a Medical Practice Manager 2025", "Medical Manager Career Path Guide"]


def test_encoding_damage_is_repaired():
    text = "".join(p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt"))
    for damage in ("β€", "πŸ", "βœ"):
        assert damage not in text
    manager = (CORPUS / "medical-manager-career-path-guide.txt").read_text(encoding="utf-8")
    assert "70,000—140,000" in manager and "📈 Market Demand" in manager and "✅ Pros" in manager


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed guides are not beside this checkout")
def test_nothing_but_the_damage_changed():
    import sys

    sys.path.insert(0, str(CORPUS.parent / "scripts"))
    from import_seeds import repair

    seeds = sorted(repair(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt"))
    assert seeds == sorted(p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt"))


def test_unreadable_files_are_skipped_with_a_reason(tmp_path):
    (tmp_path / "good.md").write_text("# A Guide\n\nManagers need a degree.\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 manager guide".encode("latin-1"))
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    docs, skipped = load_corpus(tmp_path)
    assert [d.title for d in docs] == ["A Guide"]
    assert {s.source: s.reason for s in skipped} == {"empty.txt": "empty", "latin1.txt": "not UTF-8 text (save it as UTF-8)"}


def test_links_out_of_the_corpus_and_duplicates_are_skipped(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("Private notes\n\nNot a guide.\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("A Guide\n\nManagers need a degree.\n", encoding="utf-8")
    (corpus / "copy-of-a.txt").write_text("A Guide\n\nManagers need a degree.\n", encoding="utf-8")
    (corpus / "link.txt").symlink_to(outside)
    docs, skipped = load_corpus(corpus)
    assert [d.source for d in docs] == ["a.txt"]
    reasons = {s.source: s.reason for s in skipped}
    assert reasons["copy-of-a.txt"] == "the same text as a.txt"
    assert "outside the corpus folder" in reasons["link.txt"]


def test_an_empty_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="no readable guide"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "missing")


def test_a_byte_order_mark_is_not_part_of_the_title(tmp_path):
    """A guide saved with a UTF-8 byte-order mark keeps a title that `--guide` and `guides=` can name."""
    from careerbot import ask

    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "welder.txt").write_text(
        "\ufeffWelder Career Guide\n\nPay\n\nWelders earn a median of $51,000 a year.\n", encoding="utf-8")
    docs, _ = load_corpus(tmp_path / "corpus")
    assert [d.title for d in docs] == ["Welder Career Guide"]
    a = ask("How much do welders make?", guides=["Welder Career Guide"], corpus=tmp_path / "corpus",
            index=tmp_path / "index")
    assert a.answered and "$51,000" in a.text


def test_damaged_text_with_nul_bytes_is_never_quoted(tmp_path):
    """A sentence holding NUL bytes (a damaged save) is not quoted; the rest of the guide still answers."""
    from careerbot import ask

    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "welder.txt").write_text(
        "Welder Career Guide\n\nPay\n\nWelders earn a median of $51,000 a year.\n\n"
        "Training\n\nMost\x00 welding programs last 9 months.\n", encoding="utf-8")
    for question in ("How much do welders make?", "How long do welding programs last?"):
        a = ask(question, corpus=tmp_path / "corpus", index=tmp_path / "index")
        assert "\x00" not in a.text and all("\x00" not in c.quote for c in a.citations)
    assert "$51,000" in ask("How much do welders make?", corpus=tmp_path / "corpus", index=tmp_path / "index").text
