"""Silence the libraries careerbot uses: no download attempts, no progress bars, no warnings on screen."""
from __future__ import annotations

import logging
import os
import warnings


def hush() -> None:
    """Set offline mode and quiet logging for Hugging Face, tokenizers, torch and Gradio; idempotent."""
    for key, value in {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        "TRANSFORMERS_VERBOSITY": "error",
        "TOKENIZERS_PARALLELISM": "false",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }.items():
        os.environ.setdefault(key, value)
    warnings.filterwarnings("ignore")
    for name in ("sentence_transformers", "transformers", "huggingface_hub", "torch", "faiss", "httpx",
                 "gradio", "urllib3", "bm25s", "asyncio", "pypdf"):
        logging.getLogger(name).setLevel(logging.ERROR)
