"""Reading and writing files: safe YAML with line numbers, validation, atomic output."""
