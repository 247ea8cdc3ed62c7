"""Running the rules: compiling the rule base for durable-rules, the adapter, the trace."""
