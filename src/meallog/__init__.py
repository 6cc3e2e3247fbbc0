"""meallog: meal logging with a safe legacy -> v2 nutrition migration."""

__version__ = "0.1.0"
