"""All models, importable from one place."""

from .after_course import Certificate, FeedbackResponse, QuoteAnswer
from .agencies import Agency, AgencyDomain
from .attendance import Attendance, AttendanceChange, AttendanceMark, CheckInCode, Mark
from .audit import AuditEvent
from .base import UTCDateTime, utcnow
from .bookings import (
    ACTIVE,
    BOOKING_TRANSITIONS,
    CANCELLABLE,
    HOLDING,
    Booking,
    BookingStatus,
    EmailLink,
    LinkPurpose,
    has_completed_training,
    statuses_that_may_become,
)
from .courses import (
    TRAINERS_NOTE_PREFIX,
    Course,
    CourseDay,
    CourseStatus,
    CourseTrainer,
    CourseType,
    Room,
    Venue,
    course_type_prerequisites,
    trainers_in_note,
    with_details,
)
from .feed import COURSES_FEED, FeedVersion
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
    "TRAINERS_NOTE_PREFIX",
    "trainers_in_note",
    "ACTIVE",
    "Agency",
    "AgencyDomain",
    "BOOKING_TRANSITIONS",
    "CANCELLABLE",
    "COURSES_FEED",
    "HOLDING",
    "Attendance",
    "AttendanceChange",
    "AttendanceMark",
    "AuditEvent",
    "Booking",
    "Certificate",
    "BookingStatus",
    "CheckInCode",
    "CompletionSource",
    "CouncilAccountLink",
    "Course",
    "CourseDay",
    "CourseStatus",
    "CourseTrainer",
    "CourseType",
    "course_type_prerequisites",
    "EmailLink",
    "FeedbackResponse",
    "FeedVersion",
    "Group",
    "InboundMessage",
    "InboundOutcome",
    "JobRun",
    "LinkPurpose",
    "Mark",
    "OutboxMessage",
    "OutboxStatus",
    "Person",
    "QuoteAnswer",
    "RecoveryCode",
    "Room",
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
