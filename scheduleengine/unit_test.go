package scheduleengine

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRetryAfterSecondsOrHTTPDate(t *testing.T) {
	now := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"2", 2 * time.Second},
		{"0", 0},
		{now.Add(3 * time.Second).Format(http.TimeFormat), 3 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0}, // a date in the past: no wait
		{"soon", 0},
	} {
		h := http.Header{}
		if tc.header != "" {
			h.Set("Retry-After", tc.header)
		}
		if got := retryAfter(h, now); got != tc.want {
			t.Errorf("Retry-After %q: %v, want %v", tc.header, got, tc.want)
		}
	}
}

func TestBackoffGrowsWithJitterAndACap(t *testing.T) {
	for n := 1; n <= 10; n++ {
		hi := min(200*time.Millisecond<<min(n-1, 5), 5*time.Second)
		for range 50 {
			if d := backoff(n); d < hi/2 || d > hi {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", n, d, hi/2, hi)
			}
		}
	}
}

// stepClock is a manual clock: Sleep moves it.
type stepClock struct{ now time.Time }

func (c *stepClock) Now() time.Time { return c.now }
func (c *stepClock) Sleep(_ context.Context, d time.Duration) error {
	c.now = c.now.Add(d)
	return nil
}

func TestLimiterKeepsASlidingSecondAndHonoursPauses(t *testing.T) {
	clk := &stepClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := newLimiter(5, 10)
	ctx := context.Background()
	start := clk.now
	for range 12 {
		if err := l.acquire(ctx, clk); err != nil {
			t.Fatal(err)
		}
		l.release(clk.now, false, 0)
	}
	if got := clk.now.Sub(start); got != 2*time.Second {
		t.Errorf("12 calls at 5/s took %v, want 2s", got)
	}
	// A 429 pauses everyone until its Retry-After has passed.
	if err := l.acquire(ctx, clk); err != nil {
		t.Fatal(err)
	}
	throttledAt := clk.now
	l.release(clk.now, true, 3*time.Second)
	if err := l.acquire(ctx, clk); err != nil {
		t.Fatal(err)
	}
	if clk.now.Before(throttledAt.Add(3 * time.Second)) {
		t.Errorf("sent at %v, inside the Retry-After ending %v", clk.now, throttledAt.Add(3*time.Second))
	}
}

func TestChunksOf50(t *testing.T) {
	ids := make([]int64, 120)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	got := chunks(ids)
	if len(got) != 3 || strings.Count(got[0], ",") != 49 || strings.Count(got[2], ",") != 19 || !strings.HasPrefix(got[1], "51,") {
		t.Errorf("chunks: %d groups %q…", len(got), got[0][:10])
	}
	if len(chunks(nil)) != 0 {
		t.Error("no IDs made a call")
	}
}

func TestWindowUTCAcrossDST(t *testing.T) {
	chicago, _ := time.LoadLocation("America/Chicago")
	w := ArrivalWindow{ID: 1, Start: "08:00:00", Duration: "02:00:00"}
	for _, tc := range []struct {
		day  Date
		want string
	}{
		{Date{2027, time.March, 13}, "2027-03-13T14:00:00Z"}, // CST
		{Date{2027, time.March, 14}, "2027-03-14T13:00:00Z"}, // DST starts at 02:00
		{Date{2027, time.November, 7}, "2027-11-07T14:00:00Z"},
		{Date{2027, time.November, 6}, "2027-11-06T13:00:00Z"},
	} {
		start, end, err := WindowUTC(tc.day, chicago, w)
		if err != nil || start.Format(time.RFC3339) != tc.want || end.Sub(start) != 2*time.Hour {
			t.Errorf("%s: %v–%v (%v), want %s for 2h", tc.day, start, end, err, tc.want)
		}
	}
	// A window across the change keeps its local end: 01:00 + 2h ends at
	// local 03:00, one elapsed hour later on the spring-forward night.
	start, end, _ := WindowUTC(Date{2027, time.March, 14}, chicago, ArrivalWindow{Start: "PT1H", Duration: "PT2H"})
	if end.Sub(start) != time.Hour {
		t.Errorf("spring-forward window lasts %v, want 1h of elapsed time", end.Sub(start))
	}
}

func TestTimeOfDay(t *testing.T) {
	for in, want := range map[string]time.Duration{"08:00:00": 8 * time.Hour, "13:30": 13*time.Hour + 30*time.Minute, "PT8H": 8 * time.Hour, "PT1H30M": 90 * time.Minute} {
		if got, err := timeOfDay(in); err != nil || got != want {
			t.Errorf("%q: %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "PT", "8am", "25:00:00", "10:75"} {
		if _, err := timeOfDay(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	for _, in := range []string{"(630) 555-0187", "630.555.0187", "+1 630 555 0187", "1-630-555-0187", "6305550187"} {
		if got := NormalizePhone(in); got != "6305550187" {
			t.Errorf("%q → %q", in, got)
		}
	}
}

func TestConfigIsChecked(t *testing.T) {
	_, err := New(Config{Env: Env{AuthURL: "ftp://x", APIURL: ""}, RatePerSecond: 60, TimeZone: "Mars/Base"})
	for _, want := range []string{"auth URL", "API URL", "tenant ID", "client ID", "client secret", "app key", "60 calls", "Mars/Base"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("config error %v does not mention %q", err, want)
		}
	}
}

// Any status but New is the office's decision: Accepted too, which stsim
// never sets but a real tenant may.
func TestInboxDecidedIsAnyStatusButNew(t *testing.T) {
	for status, want := range map[string]bool{
		BookingNew: false, "": false, BookingAccepted: true, BookingConverted: true, BookingDismissed: true, "Archived": true,
	} {
		if got := decided(Booking{Status: status}); got != want {
			t.Errorf("decided(%q) = %v, want %v", status, got, want)
		}
	}
}

// A watch follows at most MaxFollowed bookings; unfollowing makes room,
// and following one again changes nothing.
func TestInboxWatchIsBounded(t *testing.T) {
	w := (&Client{}).inboxWatch(1, time.Time{})
	for i := range MaxFollowed {
		if err := w.Follow(fmt.Sprint("se-", i)); err != nil {
			t.Fatalf("following booking %d: %v", i, err)
		}
	}
	if err := w.Follow("se-one-more"); err == nil || w.Pending() != MaxFollowed {
		t.Fatalf("past the bound: %v, %d pending; want an error", err, w.Pending())
	}
	if err := w.Follow(" SE-7 "); err != nil || w.Pending() != MaxFollowed {
		t.Fatalf("following one again: %v, %d pending", err, w.Pending())
	}
	w.Unfollow("se-7")
	if err := w.Follow("se-one-more"); err != nil || w.Pending() != MaxFollowed {
		t.Fatalf("after unfollowing one: %v, %d pending", err, w.Pending())
	}
}
