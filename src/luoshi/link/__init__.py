"""Links between documents: reprints of one story (``reprints``)."""
