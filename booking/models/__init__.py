"""All models, importable from one place."""

from .attendance import AttendanceChange, AttendanceMark, Mark
from .audit import AuditEvent
from .base import UTCDateTime, utcnow
from .bookings import ACTIVE, HOLDING, Booking, BookingStatus, EmailLink, LinkPurpose
from .courses import Course, CourseDay, CourseStatus, CourseType, Venue, with_details
from .mailbox import InboundMessage, InboundOutcome
from .outbox import OutboxMessage, OutboxStatus
from .people import (
    CompletionSource,
    CouncilAccountLink,
    Group,
    Person,
    RecoveryCode,
    Role,
    TrainingCompletion,
    User,
)

__all__ = [
    "ACTIVE",
    "HOLDING",
    "AttendanceChange",
    "AttendanceMark",
    "AuditEvent",
    "Booking",
    "BookingStatus",
    "CompletionSource",
    "CouncilAccountLink",
    "Course",
    "CourseDay",
    "CourseStatus",
    "CourseType",
    "EmailLink",
    "Group",
    "InboundMessage",
    "InboundOutcome",
    "LinkPurpose",
    "Mark",
    "OutboxMessage",
    "OutboxStatus",
    "Person",
    "RecoveryCode",
    "Role",
    "TrainingCompletion",
    "UTCDateTime",
    "User",
    "Venue",
    "utcnow",
    "with_details",
]
