"""The `careerbot` command: index, ask, chat, serve, eval."""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from .errors import CareerbotError, QuestionError
from .settings import Settings, resolve

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as the contract says
        print(f"careerbot: {message} (see `careerbot --help`)", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _paths(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpus", metavar="DIR", help="folder of guides (default: $CAREERBOT_CORPUS or ./corpus)")
    p.add_argument("--index", metavar="DIR", help="index folder (default: $CAREERBOT_INDEX or ./index)")


def parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    top = _Parser(prog="careerbot", description="Cited answers to questions about careers, quoted from the guides in the corpus.")
    sub = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("index", help="build or update the index of the guides")
    _paths(p)
    p.add_argument("--full", action="store_true", help="rebuild everything instead of only what changed")
    p = sub.add_parser("ask", help="answer one question")
    _paths(p)
    p.add_argument("--json", action="store_true", help="print the answer as JSON on standard output")
    p.add_argument("--guide", action="append", metavar="NAME", help="answer only from this guide (title or file)")
    p.add_argument("question", nargs="+", help="the question")
    p = sub.add_parser("chat", help="a conversation on standard input: one question a line, follow-ups read "
                                    "with the earlier ones (a line \"/new\" starts a new conversation)")
    _paths(p)
    p.add_argument("--json", action="store_true", help="print each answer as one line of JSON on standard output")
    p.add_argument("--guide", action="append", metavar="NAME", help="answer only from this guide (title or file)")
    p = sub.add_parser("serve", help="start the chat app in the browser")
    _paths(p)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--share", action="store_true", help="also open a public Gradio share link")
    p = sub.add_parser("eval", help="score careerbot on a gold question file")
    _paths(p)
    p.add_argument("gold", metavar="GOLD.jsonl")
    p.add_argument("--json", action="store_true", help="print the figures as JSON on standard output")
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    from .quiet import hush

    hush()
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show "£" gets "?" rather than a traceback
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    args = parser().parse_args(argv)
    settings = resolve(args.corpus, args.index)
    try:
        return COMMANDS[args.command](args, settings)
    except QuestionError as exc:
        print(f"careerbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except CareerbotError as exc:
        print(f"careerbot: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except BrokenPipeError:  # the reader (e.g. `head`) stopped reading
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        print("careerbot: interrupted", file=sys.stderr)
        return EXIT_FAILURE


def _index(args, settings: Settings) -> int:
    from .index import build

    print(build(settings, full=args.full).summary(), file=sys.stderr)
    return EXIT_OK


def _ask(args, settings: Settings) -> int:
    from .ask import ask

    answer = ask(" ".join(args.question), guides=args.guide, corpus=settings.corpus, index=settings.index)
    if args.json:
        print(json.dumps(dataclasses.asdict(answer), ensure_ascii=not _unicode_out(), indent=2))
    else:
        print(format_answer(answer, _roles(settings)))
    return EXIT_OK


NEW_CONVERSATION = "/new"


def _unicode_out() -> bool:
    """Whether standard output can print any character (else JSON escapes them: "\\u00a3")."""
    return (getattr(sys.stdout, "encoding", "") or "").lower().replace("-", "") in ("utf8", "utf16", "utf32")


def _chat(args, settings: Settings) -> int:
    from .ask import ask

    history: list = []
    prompt = sys.stdin.isatty()
    while True:
        if prompt:
            print("you> ", end="", file=sys.stderr, flush=True)
        line = sys.stdin.readline()
        if not line:
            return EXIT_OK
        if not line.strip():
            continue
        if line.strip() == NEW_CONVERSATION:
            history = []
            print("careerbot: new conversation", file=sys.stderr)
            continue
        try:
            answer = ask(line, history=history, guides=args.guide, corpus=settings.corpus, index=settings.index)
        except QuestionError as exc:  # one bad line does not end the conversation
            print(f"careerbot: {exc}", file=sys.stderr)
            continue
        history.append(answer)
        if args.json:
            print(json.dumps(dataclasses.asdict(answer), ensure_ascii=not _unicode_out()), flush=True)
        else:
            if answer.carried:
                print(f"(read with {' and '.join(answer.carried)} from the earlier questions)")
            print(format_answer(answer, _roles(settings)) + "\n", flush=True)


def _roles(settings: Settings) -> dict[str, str]:
    """The indexed guides' roles by source, from the engine that just answered."""
    from .loading import engine_for

    return engine_for(settings).coverage.roles


def format_answer(answer, roles: dict[str, str] | None = None) -> str:
    """An answer for a terminal: the quoted lines (each with its guide's role, from `roles` by source, when
    they come from guides about different roles), then the numbered sources."""
    from .answer import figures_differ, line_roles

    if not answer.answered:
        return answer.text
    out = [f"({role}) {line}" if role else line for role, line in zip(line_roles(answer, roles),
                                                                       answer.text.splitlines())]
    if figures_differ(answer):
        out.append("(These guides give different figures.)")
    out.append("")
    for n, c in enumerate(answer.citations, 1):
        where = f"{c.title}" + (f", \u201c{c.section}\u201d" if c.section and c.section != c.title else "")
        out.append(f"[{n}] {where} ({c.source}, characters {c.start}-{c.end})")
    return "\n".join(out)


def _serve(args, settings: Settings) -> int:
    from .ui import serve

    serve(settings, host=args.host, port=args.port, share=args.share)
    return EXIT_OK


def _eval(args, settings: Settings) -> int:
    from .evaluate import evaluate, format_report, load_gold

    report = evaluate(load_gold(args.gold), corpus=settings.corpus, index=settings.index)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return EXIT_OK


COMMANDS = {"index": _index, "ask": _ask, "chat": _chat, "serve": _serve, "eval": _eval}

if __name__ == "__main__":
    sys.exit(main())
