"""Putting bulletins on air: the airer, the daemon lock, and the records a full disk refused."""
