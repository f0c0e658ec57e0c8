"""careerbot: answers questions about careers by quoting the career guides in its corpus.

    from careerbot import ask
    answer = ask("What certifications does an electrician need?")
    print(answer.text)
"""
from .answer import Answer, Citation
from .ask import ask
from .errors import BuildLockedError, CareerbotError, CorpusError, IndexError_, QuestionError

__all__ = ["Answer", "Citation", "ask", "CareerbotError", "QuestionError", "CorpusError", "IndexError_",
           "BuildLockedError"]
