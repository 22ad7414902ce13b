"""The evidence: read, validate and verify data/ (texts, metadata, quotations, codebook, codings, events).

The bottom layer: no Sphinx, pandas or Altair here, so `make check` stays fast.
"""
