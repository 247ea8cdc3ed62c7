"""The case: its file format, its facts as the rules see them, their scales and words."""
