"""The standard error codes each problem kind maps to in 997 (004010), 999 (005010), TA1 and CONTRL."""

from __future__ import annotations

from gridlink.edi.problems import Kind

# AK304 / IK304 segment syntax error codes (720 / 620)
SEGMENT_CODES = {
    Kind.UNRECOGNIZED_SEGMENT: "1",
    Kind.UNEXPECTED_SEGMENT: "2",
    Kind.MISSING_SEGMENT: "3",
    Kind.LOOP_TOO_MANY: "4",
    Kind.SEGMENT_TOO_MANY: "5",
    Kind.NOT_IN_SET: "6",
    Kind.OUT_OF_ORDER: "7",
}
SEGMENT_HAS_ELEMENT_ERRORS = "8"

# AK403 (723, 004010) and IK403 (621, 005010): 004010 has no codes for repetitions and components.
ELEMENT_CODES_997 = {
    Kind.MISSING_ELEMENT: "1",
    Kind.CONDITIONAL_MISSING: "2",
    Kind.TOO_MANY_ELEMENTS: "3",
    Kind.TOO_SHORT: "4",
    Kind.TOO_LONG: "5",
    Kind.INVALID_CHARACTER: "6",
    Kind.BAD_NUMBER: "6",
    Kind.INVALID_CODE: "7",
    Kind.INVALID_DATE: "8",
    Kind.INVALID_TIME: "9",
    Kind.EXCLUSION: "10",
    Kind.TOO_MANY_REPETITIONS: "3",
    Kind.TOO_MANY_COMPONENTS: "3",
}
ELEMENT_CODES_999 = {**ELEMENT_CODES_997, Kind.TOO_MANY_REPETITIONS: "12", Kind.TOO_MANY_COMPONENTS: "13"}

# AK502-506 / IK502-506 (718 / 618)
SET_CODES = {
    Kind.SET_NOT_SUPPORTED: "1",
    Kind.SET_TRAILER_MISSING: "2",
    Kind.SET_CONTROL_MISMATCH: "3",
    Kind.SET_COUNT: "4",
    Kind.SET_ID_INVALID: "6",
    Kind.SET_CONTROL_INVALID: "7",
    Kind.SET_CONTROL_DUPLICATE: "23",
}
SET_HAS_SEGMENT_ERRORS = "5"

# AK905-909 (716)
GROUP_CODES = {
    Kind.GROUP_NOT_SUPPORTED: "1",
    Kind.VERSION_NOT_SUPPORTED: "2",
    Kind.GROUP_TRAILER_MISSING: "3",
    Kind.GROUP_CONTROL_MISMATCH: "4",
    Kind.GROUP_COUNT: "5",
    Kind.GROUP_CONTROL_INVALID: "6",
}

# TA105 (I18) interchange note codes
TA1_CODES = {
    Kind.INTERCHANGE_CONTROL_MISMATCH: "001",
    Kind.SYNTAX_NOT_SUPPORTED: "017",
    Kind.INTERCHANGE_COUNT: "021",
    Kind.INTERCHANGE_HEADER_INVALID: "022",
    Kind.INTERCHANGE_TRAILER_MISSING: "023",
    Kind.INTERCHANGE_CONTENT_INVALID: "024",
}
# An ISA element in error: the TA1 note code names the element.
TA1_ISA_ELEMENT_CODES = {
    1: "010",
    2: "011",
    3: "012",
    4: "013",
    5: "005",
    6: "006",
    7: "007",
    8: "008",
    9: "014",
    10: "015",
    11: "016",
    12: "017",
    13: "018",
    14: "019",
    15: "020",
    16: "027",
}

# EDIFACT CONTRL syntax error codes (0085)
CONTRL_CODES = {
    Kind.UNRECOGNIZED_SEGMENT: "15",
    Kind.UNEXPECTED_SEGMENT: "15",
    Kind.NOT_IN_SET: "15",
    Kind.OUT_OF_ORDER: "15",
    Kind.MISSING_SEGMENT: "13",
    Kind.SEGMENT_TOO_MANY: "35",
    Kind.LOOP_TOO_MANY: "36",
    Kind.MISSING_ELEMENT: "13",
    Kind.CONDITIONAL_MISSING: "13",
    Kind.TOO_MANY_ELEMENTS: "16",
    Kind.TOO_MANY_COMPONENTS: "16",
    Kind.TOO_MANY_REPETITIONS: "35",
    Kind.TOO_SHORT: "40",
    Kind.TOO_LONG: "39",
    Kind.INVALID_CHARACTER: "21",
    Kind.BAD_NUMBER: "37",
    Kind.INVALID_CODE: "12",
    Kind.INVALID_DATE: "12",
    Kind.INVALID_TIME: "12",
    Kind.EXCLUSION: "12",
    Kind.SET_NOT_SUPPORTED: "14",
    Kind.SET_TRAILER_MISSING: "13",
    Kind.SET_COUNT: "29",
    Kind.SET_CONTROL_MISMATCH: "28",
    Kind.SET_CONTROL_INVALID: "12",
    Kind.SET_ID_INVALID: "12",
    Kind.SET_CONTROL_DUPLICATE: "26",
    Kind.GROUP_COUNT: "29",
    Kind.GROUP_CONTROL_MISMATCH: "28",
    Kind.GROUP_TRAILER_MISSING: "13",
    Kind.INTERCHANGE_COUNT: "29",
    Kind.INTERCHANGE_CONTROL_MISMATCH: "28",
    Kind.INTERCHANGE_TRAILER_MISSING: "13",
    Kind.INTERCHANGE_CONTENT_INVALID: "33",
    Kind.INTERCHANGE_HEADER_INVALID: "12",
    Kind.SYNTAX_NOT_SUPPORTED: "2",
}
# CONTRL action codes (0083)
CONTRL_ACKNOWLEDGED = "7"
CONTRL_RECEIVED = "8"
CONTRL_REJECTED = "4"
