"""The bundled demo corpus: readouts we wrote ourselves in the genre (fictional people)."""

from pathlib import Path


def corpus_path() -> Path:
    return Path(__file__).with_name("corpus")
