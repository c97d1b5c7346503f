notice-booking-requested = { $school } asks to use “{ $facility }” from { $when } ({ $count } time(s)); waiting for your approval
notice-booking-approved = Your booking of “{ $facility }” from { $when } ({ $count } time(s)) was approved by { $by }
notice-booking-declined = Your booking of “{ $facility }” from { $when } ({ $count } time(s)) was declined by { $by }: { $reason }
notice-booking-cancelled = The booking of “{ $facility }” from { $when } ({ $count } time(s)) was cancelled by { $by }
notice-booking-withdrawn = { $by } withdrew the request for “{ $facility }” from { $when } ({ $count } time(s))
