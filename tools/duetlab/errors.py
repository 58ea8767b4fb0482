"""The one error type of the lab's downloads and boots: its message says what failed."""


class LabError(Exception):
    pass
