"""Fællesskabskort: finds local communities for lonely citizens, for the people who refer them."""

__version__ = "0.1.0"
