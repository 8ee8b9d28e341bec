"""All models, importable from one place."""

from .attendance import Attendance, AttendanceChange, AttendanceMark, Mark
from .audit import AuditEvent
from .base import UTCDateTime, utcnow
from .bookings import (
    ACTIVE,
    BOOKING_TRANSITIONS,
    HOLDING,
    Booking,
    BookingStatus,
    EmailLink,
    LinkPurpose,
    has_completed_training,
    statuses_that_may_become,
)
from .courses import Course, CourseDay, CourseStatus, CourseType, Venue, with_details
from .jobs import JobRun
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
    "BOOKING_TRANSITIONS",
    "HOLDING",
    "Attendance",
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
    "JobRun",
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
    "has_completed_training",
    "statuses_that_may_become",
    "utcnow",
    "with_details",
]
