"""commitgate: a language-model review gate for git commits."""

__version__ = "0.1.0"
HOME_PAGE = "https://github.com/commitgate/commitgate"
