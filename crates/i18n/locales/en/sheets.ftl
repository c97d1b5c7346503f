# sheets
import-templates = Templates and exports
import-template = Template
import-upload = Upload
import-kind = What the file holds
import-file = File (XLSX / CSV)
import-update-existing = Update existing records (matched by school code / staff number)
import-sheet = Sheet
import-row = Row
import-column = Column
import-reason = Problem
import-done = Imported: { $created } created, { $updated } updated.
import-place = { $file } · sheet “{ $sheet }” · row { $row } · column { $column }
import-more = … and { $count } more problems
kind-schools = Schools
kind-stats = Yearly statistics
kind-teachers = Teachers
kind-facilities = Facilities
