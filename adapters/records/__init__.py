"""Records (R2): a channel's history and R1 figures, exported as CSV or JSON Lines.

- errors.py: what an export request can get wrong, each an ExportError saying what to do.
- options.py: read a channel key and a date range as people type them (the CLI; platforms pass numbers).
- export.py: the streamed export itself, shared by `stagedoor export` and the platforms' `/stage export`.
"""
