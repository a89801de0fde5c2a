"""Partner organisations and their venues."""
