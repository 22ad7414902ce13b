"""The one table of how each stance is drawn: its colour (Okabe–Ito, safe for colour-blind readers) and its
symbol. The charts, the tables' symbols and the REFI-QDA export's code colours all read it."""

from __future__ import annotations

# "Not addressed" is a near-white cell: an empty square in the matrix, never a colour to compare.
STANCE_COLOURS = {"supports": "#0072B2", "qualified": "#56B4E9", "opposes": "#D55E00",
                  "reports": "#E69F00", "not_addressed": "#EEEEEE"}
STANCE_MARKS = {"supports": "+", "qualified": "±", "opposes": "−", "reports": "R", "not_addressed": "·"}
UNKNOWN_COLOUR, UNKNOWN_MARK = "#999999", "?"  # a stance the table does not know (a codebook that grew)


def stance_colour(stance_id: str) -> str:
    return STANCE_COLOURS.get(stance_id, UNKNOWN_COLOUR)


def stance_symbol(stance_id: str) -> str:
    return STANCE_MARKS.get(stance_id, UNKNOWN_MARK)
