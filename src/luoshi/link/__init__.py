"""Links between documents and between their facts, one public module per linker (``__all__``):
``reprints`` (copies of one story), ``people`` (one person across documents), ``citations``
(cited titles and their short forms), ``follow`` (later mentions of directives). Each is loaded
only by the code that uses it (numpy, rapidfuzz)."""

__all__ = ["citations", "follow", "people", "reprints"]
