"""The bundled demo corpus: readouts we wrote ourselves in the genre (fictional people)."""

from pathlib import Path

__all__ = ["corpus_path", "generate", "ledger_sheet", "walkthrough"]


def corpus_path() -> Path:
    return Path(__file__).with_name("corpus")
