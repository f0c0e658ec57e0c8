"""careerbot: answers questions about medical practice and office manager careers by quoting the guides.

    from careerbot import ask
    answer = ask("What certifications should a medical office manager get?")
    print(answer.text)
"""
from .answer import Answer, Citation
from .ask import ask
from .errors import BuildLockedError, CareerbotError, CorpusError, IndexError_, QuestionError

__all__ = ["Answer", "Citation", "ask", "CareerbotError", "QuestionError", "CorpusError", "IndexError_",
           "BuildLockedError"]
