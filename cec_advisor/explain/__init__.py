"""Trainers' tools: explanations of a plan, one module per command, each result data with ``as_dict()``.

- :mod:`~cec_advisor.explain.how`: ``explain``, the Pathway walked step by step;
- :mod:`~cec_advisor.explain.why`: ``why``, the proof tree behind a service;
- :mod:`~cec_advisor.explain.why_not`: ``why-not``, what keeps a service out, with
  :mod:`~cec_advisor.explain.search`, the smallest change that brings it in;
- :mod:`~cec_advisor.explain.what_if`: ``what-if``, what a change of facts changes;
- :mod:`~cec_advisor.explain.changes` and :mod:`~cec_advisor.explain.common`: what they share;
- :mod:`~cec_advisor.explain.formatters`: every one of them as the text the CLI prints.
"""
