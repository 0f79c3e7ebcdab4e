package scheduleengine

import "context"

// StatusSync follows job and appointment changes through the export feeds,
// resuming from the cursor after a restart.
type StatusSync struct {
	Jobs         *Feed[Job]
	Appointments *Feed[Appointment]
}

// NewStatusSync follows this tenant's job and appointment exports, storing
// continueFrom tokens in cursor.
func (c *Client) NewStatusSync(cursor Cursor, includeRecentChanges bool) *StatusSync {
	return &StatusSync{
		Jobs: &Feed[Job]{Client: c, Name: "jpm/export/jobs", Path: c.path("jpm", "export/jobs"),
			Cursor: cursor, IncludeRecentChanges: includeRecentChanges},
		Appointments: &Feed[Appointment]{Client: c, Name: "jpm/export/appointments", Path: c.path("jpm", "export/appointments"),
			Cursor: cursor, IncludeRecentChanges: includeRecentChanges},
	}
}

// Poll reads both feeds to their current end.
func (s *StatusSync) Poll(ctx context.Context, onJob func(Job) error, onAppointment func(Appointment) error) (jobs, appointments int, err error) {
	if jobs, err = s.Jobs.Poll(ctx, onJob); err != nil {
		return jobs, 0, err
	}
	appointments, err = s.Appointments.Poll(ctx, onAppointment)
	return jobs, appointments, err
}
