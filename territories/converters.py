class InseeCodeConverter:
    """A commune's INSEE code in an address: five characters, its department's two first (2A
    and 2B in Corsica). Nothing else reaches the view, which looks the code up as it is."""

    regex = "[0-9][0-9AB][0-9]{3}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class RowIdConverter:
    """A row's id in an address: digits, at most what a row id can hold (PostgreSQL's bigint),
    so that a number too large for the database is an unknown page (404), not an error."""

    regex = "[0-9]{1,19}"

    def to_python(self, value):
        number = int(value)
        if not 0 < number < 2**63:
            raise ValueError("not a row id")  # Django then tries the next pattern: a 404
        return number

    def to_url(self, value):
        return str(value)
