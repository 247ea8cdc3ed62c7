"""The ``cec-advisor`` command line: thin commands over the library, one per role module."""
