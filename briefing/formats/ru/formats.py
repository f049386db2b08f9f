"""Russian dates as the site writes them: "11 февраля 2024 15:30" (the month
in the genitive, Django's "E")."""

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
