"""The rule base: rule files, the service catalogue, their validation and meaning."""
