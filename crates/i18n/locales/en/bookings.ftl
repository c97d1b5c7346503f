notice-booking-requested = { $school } asks to use “{ $facility }” from { $when } ({ $count } time(s)); waiting for your approval
notice-booking-approved = Your booking of “{ $facility }” from { $when } ({ $count } time(s)) was approved by { $by }
notice-booking-declined = Your booking of “{ $facility }” from { $when } ({ $count } time(s)) was declined by { $by }: { $reason }
notice-booking-cancelled = The booking of “{ $facility }” from { $when } ({ $count } time(s)) was cancelled by { $by }
notice-booking-withdrawn = { $by } withdrew the request for “{ $facility }” from { $when } ({ $count } time(s))
booking-status-pending = Waiting for approval
booking-status-confirmed = Confirmed
booking-status-declined = Declined
booking-status-cancelled = Cancelled
booking-find = Find a free facility
booking-find-hint = Pick a day and lesson periods (or times) to list the facilities your school may use, nearest first.
booking-date = Date
booking-from = From
booking-to = To
booking-periods = Periods
booking-period-pick = By period:
booking-kind = Kind
booking-any-kind = Any kind
booking-capacity = Room for at least
booking-search = Search
booking-free = Free
booking-closed = Closed
booking-taken = Held by { $school } ({ $status })
booking-book = Book
booking-week = Week
booking-km = Distance (km)
booking-state = At that time
booking-none-found = No facility your school may use was found.
booking-mine = My school's bookings
booking-inbox = Requests to approve
booking-inbox-hint = Other schools ask to use facilities of the schools you look after. Approving tells them; declining needs a reason.
booking-inbox-count = Requests to approve ({ $count })
booking-facility = Facility
booking-owner = Owner school
booking-school = Booked by
booking-when = When
booking-status = Status
booking-purpose = Purpose
booking-group = Class or group
booking-attendees = People
booking-requested-by = Requested by
booking-decided-by = Decided by
booking-reason = Reason
booking-title = Booking #{ $id }
booking-new-title = Book “{ $facility }”
booking-new-hint = Check lists whether each date can be booked; book when they all can.
booking-repeat = Repeat
booking-repeat-none = Once
booking-repeat-weekly = Every week
booking-repeat-fortnightly = Every two weeks
booking-until = Until
booking-check = Check
booking-confirm = Book
booking-keep-rest = Book only the dates that can be booked
booking-dates = Dates
booking-ok = Can be booked
booking-approve = Approve
booking-decline = Decline
booking-decline-reason = Reason for declining
booking-series = Also the later dates of the same repeat
booking-cancel = Cancel the booking
booking-cancel-title = Cancel this booking?
booking-cancel-line = The booking of { $when } will be cancelled and the time freed for others.
booking-cancel-hint = The other school is told.
booking-series-dates = Every date of the same repeat
booking-period = Period { $n } { $from }–{ $to }
booking-day = { $weekday ->
    [mon] Mon
    [tue] Tue
    [wed] Wed
    [thu] Thu
    [fri] Fri
    [sat] Sat
   *[sun] Sun
} { $date }
booking-week-title = { $facility } · week of { $week }
booking-prev-week = ‹ Previous week
booking-next-week = Next week ›
notifications-empty = No messages.
notifications-read-all = Mark all read
notifications-open = Open
notifications-unread = Unread
