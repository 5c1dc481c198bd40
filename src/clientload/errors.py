"""The one exception type that the command line turns into a single line and exit code 2."""


class ClientloadError(Exception):
    """A problem the user can fix; the message names the file, row, column or argument."""
