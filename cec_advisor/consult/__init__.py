"""Consultants' tools: batch runs, validating case files, and the interview that builds a case file.

- ``batch``: the batch run, over ``scan`` (digests, duplicate ids), ``workers``
  (planning, here or in worker processes), ``outfolder`` (the locked output
  folder, atomic files), ``resume`` (the record ``--resume`` reads) and
  ``summary`` (the summary table);
- ``validate``: every problem of each case file, as data;
- ``interview``: the session that asks only what the rules need, and
  ``casefile``: the case file it resumes from and writes;
- ``formatters``: every result above in words, as the commands print them.
"""
