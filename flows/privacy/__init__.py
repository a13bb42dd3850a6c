"""Personal data: the pseudonymiser and the leak audit."""
