# problems
problem-required = Required
problem-not-a-number = “{ $value }” is not a number
problem-too-many-decimals = “{ $value }” has more than two decimals (amounts go to the fen)
problem-not-an-integer = “{ $value }” is not a whole number
problem-not-a-date = “{ $value }” is not a date (2024-09-01)
problem-not-a-boolean = “{ $value }” should be yes or no
problem-out-of-range = “{ $value }” is outside { $min } – { $max }
problem-unknown-value = “{ $value }” is not allowed (choose: { $allowed })
problem-too-long = Longer than { $max } characters
problem-bad-code = “{ $value }” is not a valid code (letters, digits, - and _)
problem-duplicate-in-file = “{ $value }” repeats row { $first_row }
problem-already-exists = “{ $value }” already exists (tick “update existing” to update it)
problem-not-found = “{ $value }” does not exist
problem-unknown-school = No school with code “{ $value }” in this county
problem-out-of-scope = You may not change this school’s records
problem-section-not-taught = A { $school_type } school has no { $section } pupils
problem-future-date = The date is in the future
problem-past-date = The date is already past: choose today or a later day
problem-cluster-full = The cluster already has its maximum of { $max } schools
problem-already-in-cluster = The school is already in “{ $cluster }” at this level
problem-not-a-member = The school is not a current member
problem-lead-cannot-leave = The lead school cannot leave; change the lead first
problem-plan-applied = The plan was applied on { $on }
problem-kept-elsewhere = “{ $school }” is in “{ $cluster }”, which the plan does not replace
problem-no-plan = No plan satisfies the rules: { $reason }
problem-missing-column = The column “{ $column }” is missing
problem-bad-file = Cannot be read: { $reason }
problem-malformed = Not what the API document allows: { $reason }
problem-own-account = This is your own account: change your password under “Change password”; to disable it or change its role or scope, ask another administrator
problem-too-many-rows = The file has more than { $max } rows
problem-empty-file = The file has no data rows
problem-weak-password = The password needs at least { $min } characters
problem-guessable-password = { $why ->
    [common] This is a common password and easy to guess
    [keyboard] Rows of neighbouring keys are easy to guess
    [repeat] Repeated characters or parts (aaa, abcabc) are easy to guess
    [sequence] Sequences like abc or 6543 are easy to guess
    [date] Dates and years are easy to guess
    [word] A single common word or name is easy to guess
    [personal] The password must not contain the user name or the person's name
   *[other] The password is too easy to guess
} (strength { $score }/4, at least { $min_score } needed); choose a longer one, e.g. several unrelated words with digits and symbols
problem-wrong-password = The current password is not right
problem-passwords-differ = The two new passwords differ
problem-disagrees = “{ $value }” differs from “{ $other }” given for the same school in row { $first_row } (a nine-year school’s shared figures must match)
problem-too-many-columns = The sheet uses column { $column }; at most { $max } columns are read
problem-too-many-cells = The sheet holds more than { $max } cells
problem-too-large-unpacked = The file unpacks to more than { $max_mb } MB
problem-in-use = { $what } is in use by a running server ({ $by }); stop the server first
problem-control-character = Holds an invisible control character; remove it and try again
problem-changed-meanwhile = Someone else saved this record while you were editing it; your changes are not saved yet. The differences are marked below; save again to keep yours.
problem-their-value = Changed meanwhile to: { $value }
problem-plan-breaks-rules = The plan breaks { $count } rule(s); adjust it by hand before applying it
problem-not-a-spreadsheet = “{ $file }” is not a spreadsheet: upload an Excel (.xlsx, .xls), WPS or LibreOffice (.ods) or CSV file
problem-no-such-school = No active school named or coded “{ $value }” in this county
problem-not-a-pair = “{ $value }” should be two items on one line, separated by a space
problem-end-before-start = The end must be after the start
problem-day-off = { $date } is a day off ({ $reason })
problem-outside-term = { $date } is outside the term (vacation)
problem-in-blackout = Not lent at that time: { $reason }
problem-outside-opening-hours = Outside the opening hours ({ $weekday ->
    [mon] Mon
    [tue] Tue
    [wed] Wed
    [thu] Thu
    [fri] Fri
    [sat] Sat
   *[sun] Sun
}: { $hours })
problem-booking-too-long = { $minutes } minutes is longer than the { $max_minutes } allowed at a time
problem-too-short-notice = Must be booked at least { $hours } hours ahead
problem-too-far-ahead = May be booked at most { $days } days ahead
problem-over-capacity = { $attendees } people is more than the { $capacity } it holds
problem-over-weekly-quota = Over the weekly quota of { $quota_hours } hours per school ({ $used_hours } hours already booked this week)
problem-not-shared = This facility is not shared with your school
problem-collides = Collides with the booking of { $booking } ({ $start }–{ $end })
problem-not-begun-yet = It has not begun yet ({ $when }); it can be marked once it has
problem-too-many-dates = The repeat covers { $count } dates, more than the { $max } allowed
problem-wrong-step = Not possible while it is { $status ->
        [proposed] proposed
        [approved] agreed by both schools
        [confirmed] confirmed
        [active] under way
        [returned] returned
        [declined] declined
        [withdrawn] withdrawn
        [ended] ended
       *[other] { $status }
    }
problem-same-school = The two schools are the same
problem-teacher-busy = The teacher already has exchange { $other } in that period
problem-same-person = The mentor and the mentee are the same person
problem-months-out-of-range = { $months } months is outside the { $min }–{ $max } months this form lasts
problem-file-type-not-allowed = “{ $file }”: only these kinds of file are accepted: { $allowed }
problem-content-mismatch = “{ $file }” is named as { $claimed } but its content is { $actual }; rename it or save it again in the right format
problem-empty-upload = “{ $file }” is empty
problem-file-too-large = “{ $file }” is larger than { $max_mb } MB
problem-bad-file-name = “{ $file }” is not a plain file name (no folders, no “..”)
problem-too-many-files = At most { $max } files at once
problem-packed-bomb = “{ $file }” unpacks to far more than it holds (over { $max_mb } MB or too many parts); it was not accepted
problem-checkin-closed = Check-in is open from { $opens } to { $closes }
problem-wrong-checkin-code = That is not the code shown at the venue now; type the number on the screen again
problem-too-many-checkin-attempts = Too many wrong check-in codes; try again in { $minutes } minute(s) (until then the right code is refused too)
problem-budget-unbalanced = The sources add up to { $sources } yuan but the categories to { $lines } yuan; they must be equal
problem-below-spent = The category “{ $category ->
        [research] research
        [training] training
        [exchange_allowance] exchange allowances
        [shared_equipment] shared equipment
        [student_activities] student activities
        [office] office and meetings
       *[other] other
    }” would be { $amount } yuan, below the { $spent } yuan already spent of it
problem-over-budget = { $amount } yuan is more than the { $balance } yuan left in this category; the bureau can raise the budget
problem-no-teacher-record = This account is not linked to a teacher record; ask your school admin to enter your staff number on the accounts page
problem-already-checked-in = Already checked in at { $at }
problem-signup-closed = Sign-up closed at { $deadline }
problem-activity-full = The activity is full ({ $capacity } places)
problem-activity-cancelled = The activity was cancelled
problem-activity-begun = The activity has begun and can no longer be cancelled
problem-not-invited = The activity is not open to your school
problem-teacher-linked = This teacher record is already linked to { $account }
problem-missing-figures = { $count } schools have no figures for { $year } ({ $schools }): choose a complete year, or choose “count as 0”
problem-round-closed = The evaluation round of { $year } is closed: its results are frozen and cannot be changed
problem-weights-not100 = The weights under indicator { $level } sum to { $sum }, not 100
problem-top-weights-not100 = The weights of the top-level indicators sum to { $sum }, not 100
problem-bad-indicator = Indicator { $indicator }: { $what ->
        [empty] the system has no indicators
        [no_code] it has no code
        [duplicate] the code is used twice
        [no_name] it has no name
        [weight] its weight must be above 0
        [group_with_figure] an indicator with sub-indicators cannot read a figure itself
        [rule_without_figure] a computed indicator needs both a figure and a scoring rule
        [unknown_figure] the figure it reads does not exist
        [bad_rule] its rule's bounds must differ
        [parent] its parent indicator is not there
        [too_deep] too many levels (4 at most)
       *[other] { $what }
    }
problem-not-scored = Indicator { $value } is not scored by evaluators
