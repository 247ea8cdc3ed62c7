"""Hypothesis strategies for the tests: the package's valid-case strategies, plus hostile YAML."""

from __future__ import annotations

from hypothesis import strategies as st

from cec_advisor.verify.strategies import case_data, case_file_bytes

yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
yaml_values = st.recursive(
    yaml_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)

__all__ = ["case_data", "case_file_bytes", "yaml_values"]
