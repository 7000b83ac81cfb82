class InseeCodeConverter:
    """A commune's INSEE code in an address: five characters, its department's two first (2A
    and 2B in Corsica). Nothing else reaches the view, which looks the code up as it is."""

    regex = "[0-9][0-9AB][0-9]{3}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
