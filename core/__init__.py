"""The platform-neutral stage rules: commands in, events out, no I/O."""
