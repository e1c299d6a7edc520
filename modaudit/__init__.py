"""modaudit: evidence of moderation on institutional social media accounts (decision 2021/81, clause 2)."""

__version__ = "0.1.0"
